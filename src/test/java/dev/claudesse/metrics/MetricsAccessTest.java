package dev.claudesse.metrics;

import dev.claudesse.config.SettingsSource;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may read api/metrics: addresses and ranges from the setting, or the token whose SHA-256 is set. */
class MetricsAccessTest {

    private static final String TOKEN = "metrics-token-Zq81";
    private static final String TOKEN_HASH = HexFormat.of().formatHex(dev.claudesse.tokens.ApiTokens.digest(TOKEN));

    /** A direct request with this Authorization header (or none). */
    private static boolean allows(MetricsAccess access, String remoteAddr, String authorization) {
        return access.allows(remoteAddr, name -> name.equals("Authorization") ? authorization : null);
    }

    @Test
    void byDefaultOnlyLoopbackIsAllowed() {
        MetricsAccess access = MetricsAccess.load(new SettingsSource(name -> null));
        assertTrue(allows(access, "127.0.0.1", null));
        assertTrue(allows(access, "127.8.9.10", null));
        assertTrue(allows(access, "::1", null));
        assertTrue(allows(access, "0:0:0:0:0:0:0:1", null), "Tomcat's way of writing ::1");
        assertTrue(allows(access, "[::1]", null));
        assertTrue(allows(access, "::ffff:127.0.0.1", null), "IPv4-mapped loopback");
        assertFalse(allows(access, "10.0.0.7", null));
        assertFalse(allows(access, "128.0.0.1", null));
        assertFalse(allows(access, "::2", null));
        assertFalse(allows(access, "fe80::1%eth0", null));
        assertFalse(allows(access, "localhost", null), "names are never looked up");
        assertFalse(allows(access, "", null));
        assertFalse(allows(access, null, null));
        assertFalse(allows(access, "10.0.0.7", "Bearer " + TOKEN), "no token is set");
    }

    @Test
    void rangesOfTheSettingDecide() {
        MetricsAccess access = MetricsAccess.of(" 10.1.0.0/16, 192.168.5.4 ,fd00::/8, 172.16.0.0/12", null);
        assertTrue(allows(access, "10.1.255.3", null));
        assertFalse(allows(access, "10.2.0.1", null));
        assertTrue(allows(access, "192.168.5.4", null));
        assertFalse(allows(access, "192.168.5.5", null));
        assertTrue(allows(access, "fd12:3456::1", null));
        assertFalse(allows(access, "fe00::1", null));
        assertTrue(allows(access, "172.31.255.255", null));
        assertFalse(allows(access, "172.32.0.0", null));
        assertFalse(allows(access, "127.0.0.1", null), "the setting replaces the default");
    }

    @Test
    void oddPrefixLengthsAndEverything() {
        assertTrue(allows(MetricsAccess.of("10.0.0.128/25", null), "10.0.0.200", null));
        assertFalse(allows(MetricsAccess.of("10.0.0.128/25", null), "10.0.0.127", null));
        assertTrue(allows(MetricsAccess.of("0.0.0.0/0", null), "203.0.113.9", null));
        assertFalse(allows(MetricsAccess.of("0.0.0.0/0", null), "2001:db8::1", null), "IPv4 ranges hold no IPv6");
        assertTrue(allows(MetricsAccess.of("::/0", null), "2001:db8::1", null));
    }

    @Test
    void noneAllowsNoAddress() {
        MetricsAccess access = MetricsAccess.of("none", TOKEN_HASH);
        assertFalse(allows(access, "127.0.0.1", null));
        assertTrue(allows(access, "127.0.0.1", "Bearer " + TOKEN));
    }

    @Test
    void theTokenOpensItFromAnywhere() {
        MetricsAccess access = MetricsAccess.load(new SettingsSource(Map.of(
                "CLAUDE_SSE_METRICS_ALLOW", "none", "CLAUDE_SSE_METRICS_TOKEN_HASH", TOKEN_HASH.toUpperCase())::get));
        assertTrue(allows(access, "203.0.113.9", "Bearer " + TOKEN));
        assertTrue(allows(access, "203.0.113.9", "bearer " + TOKEN), "the scheme is case-insensitive");
        assertFalse(allows(access, "203.0.113.9", "Bearer " + TOKEN + "x"));
        assertFalse(allows(access, "203.0.113.9", "Bearer " + TOKEN_HASH), "the digest itself is no token");
        assertFalse(allows(access, "203.0.113.9", "Basic " + TOKEN));
        assertFalse(allows(access, "203.0.113.9", TOKEN));
        assertFalse(allows(access, "203.0.113.9", "Bearer "));
        assertFalse(allows(access, "203.0.113.9", null));
    }

    @Test
    void aForwardedRequestNeedsTheTokenWhateverItsAddress() {
        MetricsAccess access = MetricsAccess.of(MetricsAccess.DEFAULT_ALLOW, TOKEN_HASH);
        for (String header : MetricsAccess.FORWARDING_HEADERS) {
            Map<String, String> proxied = Map.of(header, "127.0.0.1");
            assertFalse(access.allows("127.0.0.1", proxied::get), "through a proxy on loopback, with " + header);
            Map<String, String> withToken = Map.of(header, "203.0.113.9", "Authorization", "Bearer " + TOKEN);
            assertTrue(access.allows("127.0.0.1", withToken::get));
        }
    }

    @Test
    void malformedSettingsStopTheStartWithoutRepeatingTheToken() {
        assertThrows(IllegalArgumentException.class, () -> MetricsAccess.of("10.0.0.0/33", null));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccess.of("::1/129", null));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccess.of("10.0.0.0/x", null));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccess.of("metrics.example.com", null));
        assertThrows(IllegalArgumentException.class, () -> MetricsAccess.of("300.1.1.1", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MetricsAccess.of(MetricsAccess.DEFAULT_ALLOW, TOKEN));
        assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
    }

    @Test
    void itsDescriptionNamesNoDigest() {
        String text = MetricsAccess.of(MetricsAccess.DEFAULT_ALLOW, TOKEN_HASH).toString();
        assertEquals("metrics from [127.0.0.0/8, 0:0:0:0:0:0:0:1/128] or with the metrics token", text);
    }
}
