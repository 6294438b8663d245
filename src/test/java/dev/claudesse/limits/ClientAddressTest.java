package dev.claudesse.limits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which address a request comes from: the socket's, or the forwarded chain read from the right through trusted proxies. */
class ClientAddressTest {

    static final AddressRanges LOCAL_NGINX = AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "127.0.0.1");
    static final AddressRanges TWO_TIERS = AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8 ,fd00::/8");

    static String resolve(String socket, AddressRanges trusted, String... forwardedFor) {
        InetAddress client = ClientAddress.resolve(socket, List.of(forwardedFor), trusted);
        return client == null ? null : client.getHostAddress();
    }

    @Test
    void withoutAddressRangesTheSocketIsTheClientWhateverTheHeaderSays() {
        assertEquals("203.0.113.7", resolve("203.0.113.7", AddressRanges.NONE));
        assertEquals("203.0.113.7", resolve("203.0.113.7", AddressRanges.NONE, "198.51.100.1"));
        assertEquals("127.0.0.1", resolve("127.0.0.1", AddressRanges.NONE, "198.51.100.1"));
    }

    @Test
    void aForgedHeaderFromAnUntrustedSocketIsIgnored() {
        assertEquals("203.0.113.7", resolve("203.0.113.7", LOCAL_NGINX, "127.0.0.1"), "claiming to be the proxy");
        assertEquals("203.0.113.7", resolve("203.0.113.7", LOCAL_NGINX, "198.51.100.1, 127.0.0.1"));
    }

    @Test
    void aTrustedProxysLastEntryIsTheClient() {
        assertEquals("198.51.100.1", resolve("127.0.0.1", LOCAL_NGINX, "198.51.100.1"));
        // nginx appends what it saw to what the client sent: the client's own entries are to the left
        assertEquals("198.51.100.1", resolve("127.0.0.1", LOCAL_NGINX, "6.6.6.6, 7.7.7.7, 198.51.100.1"));
        assertEquals("198.51.100.1", resolve("127.0.0.1", LOCAL_NGINX, "6.6.6.6", "198.51.100.1"),
                "several headers are one list");
    }

    @Test
    void aChainOfAddressRangesIsWalkedToTheFirstUntrustedAddress() {
        assertEquals("198.51.100.1", resolve("127.0.0.1", TWO_TIERS, "6.6.6.6, 198.51.100.1, 10.1.2.3"));
        assertEquals("198.51.100.1", resolve("10.9.9.9", TWO_TIERS, "198.51.100.1, 10.1.2.3, 127.0.0.1"));
        assertEquals("2001:db8:0:0:0:0:0:5", resolve("fd00::1", TWO_TIERS, "2001:db8::5"));
    }

    @Test
    void whenEveryHopIsTrustedTheFarthestIsTheClient() {
        assertEquals("10.1.2.3", resolve("127.0.0.1", TWO_TIERS, "10.1.2.3"));
        assertEquals("127.0.0.1", resolve("127.0.0.1", LOCAL_NGINX), "no header: the proxy itself (a health check)");
    }

    @Test
    void anUnreadableEntryEndsTheWalkAtTheProxyThatPassedItOn() {
        assertEquals("127.0.0.1", resolve("127.0.0.1", LOCAL_NGINX, "unknown"));
        assertEquals("10.1.2.3", resolve("127.0.0.1", TWO_TIERS, "198.51.100.1, garbage, 10.1.2.3"));
        assertEquals("127.0.0.1", resolve("127.0.0.1", LOCAL_NGINX, "evil.example.com"), "never a DNS name");
    }

    @Test
    void portsBracketsAndZonesAreRead() {
        assertEquals("198.51.100.1", resolve("127.0.0.1", LOCAL_NGINX, "198.51.100.1:4711"));
        assertEquals("2001:db8:0:0:0:0:0:1", resolve("127.0.0.1", LOCAL_NGINX, "[2001:db8::1]:4711"));
        assertEquals("2001:db8:0:0:0:0:0:1", resolve("127.0.0.1", LOCAL_NGINX, "[2001:db8::1]"));
        assertEquals("fe80:0:0:0:0:0:0:1", resolve("127.0.0.1", LOCAL_NGINX, "fe80::1%eth0"));
        assertEquals("198.51.100.1", resolve("127.0.0.1", LOCAL_NGINX, "::ffff:198.51.100.1"), "IPv4-mapped is IPv4");
    }

    @Test
    void anIpv6SocketIsTrustedByAnIpv6Range() {
        AddressRanges loopbacks = AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "127.0.0.1 ::1");
        assertEquals("198.51.100.1", resolve("0:0:0:0:0:0:0:1", loopbacks, "198.51.100.1"));
        assertEquals("0:0:0:0:0:0:0:1", resolve("0:0:0:0:0:0:0:1", LOCAL_NGINX, "198.51.100.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "unknown", "localhost", "256.1.1.1", "1.2.3", "1.2.3.4.5", "[::1", "[::1]x", ":::",
            "gggg::1", "1.2.3.4:port", ".::1", "-1.2.3.4"})
    void textsThatAreNotIpLiteralsAreNotAddresses(String text) {
        assertNull(IpAddresses.parse(text), text);
    }

    @ParameterizedTest
    @CsvSource({
            "203.0.113.7, 203.0.113.7",
            "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:0:0:0:0/64",
            "2001:db8:1:2:ffff::1, 2001:db8:1:2:0:0:0:0/64",
            "::ffff:203.0.113.7, 203.0.113.7"})
    void ipv6CountsByItsSlash64(String address, String key) {
        assertEquals(key, IpAddresses.limitKey(IpAddresses.parse(address)));
    }

    @Test
    void trustedRangesMatchTheirPrefixOnly() {
        AddressRanges ranges = AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "10.0.0.0/8,192.168.1.128/25,2001:db8::/32");
        assertTrue(ranges.contains(IpAddresses.parse("10.255.0.1")));
        assertFalse(ranges.contains(IpAddresses.parse("11.0.0.1")));
        assertTrue(ranges.contains(IpAddresses.parse("192.168.1.200")));
        assertFalse(ranges.contains(IpAddresses.parse("192.168.1.100")));
        assertTrue(ranges.contains(IpAddresses.parse("2001:db8:ffff::1")));
        assertFalse(ranges.contains(IpAddresses.parse("2001:db9::1")));
        assertTrue(ranges.contains(IpAddresses.parse("::ffff:10.0.0.1")), "a mapped address is IPv4");
        assertTrue(AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "0.0.0.0/0").contains(IpAddresses.parse("8.8.8.8")));
        assertFalse(AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "0.0.0.0/0").contains(IpAddresses.parse("::1")), "families stay apart");
        assertTrue(AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", " ").isEmpty());
        assertTrue(AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", null).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10.0.0.0/33", "10.0.0.0/x", "::1/129", "[::1]", "10.0.0.0/-1", "nginx.internal"})
    void aWrongAddressRangesSettingStopsTheStart(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AddressRanges.parse("CLAUDE_SSE_TRUSTED_PROXIES", "127.0.0.1, " + entry));
        assertTrue(e.getMessage().contains("CLAUDE_SSE_TRUSTED_PROXIES") && e.getMessage().contains(entry), e.getMessage());
    }
}
