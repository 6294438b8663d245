package dev.claudesse.limits;

import dev.claudesse.config.SettingsSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings of the abuse limits, and that both limits count the client's address. */
class AbuseLimitsTest {

    static AbuseLimits limits(Map<String, String> settings) {
        return AbuseLimits.load(new SettingsSource(settings::get));
    }

    @Test
    void byDefaultNothingIsLimitedAndAnonymousUseIsAllowed() {
        AbuseLimits none = limits(Map.of());
        assertTrue(none.anonymousAllowed());
        assertEquals(0, none.config().answersPerMinute());
        assertEquals(0, none.config().newOwnersPerHour());
        assertTrue(none.config().trustedProxies().isEmpty());
        for (int i = 0; i < 10_000; i++) {
            assertEquals(0, none.answerStart("203.0.113.7", List.of()));
            assertEquals(0, none.newOwner("203.0.113.7", List.of()));
        }
    }

    @Test
    void zeroIsNoLimitAndANegativeNumberStopsTheStart() {
        assertEquals(0, limits(Map.of("CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS", "0")).answerStart("1.2.3.4", List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> limits(Map.of("CLAUDE_SSE_NEW_OWNERS_PER_HOUR_PER_ADDRESS", "-1")));
        assertFalse(limits(Map.of("CLAUDE_SSE_ANONYMOUS", "false")).anonymousAllowed());
    }

    @Test
    void eachLimitCountsTheClientBehindATrustedProxy() {
        AbuseLimits limits = limits(Map.of("CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS", "2",
                "CLAUDE_SSE_NEW_OWNERS_PER_HOUR_PER_ADDRESS", "1", "CLAUDE_SSE_TRUSTED_PROXIES", "127.0.0.1"));
        assertEquals(0, limits.answerStart("127.0.0.1", List.of("198.51.100.1")));
        assertEquals(0, limits.answerStart("127.0.0.1", List.of("6.6.6.6, 198.51.100.1")));
        assertTrue(limits.answerStart("127.0.0.1", List.of("198.51.100.1")) > 0);
        assertEquals(0, limits.answerStart("127.0.0.1", List.of("198.51.100.2")), "another client");
        assertEquals(0, limits.newOwner("127.0.0.1", List.of("198.51.100.1")), "the other limit counts apart");
        long wait = limits.newOwner("127.0.0.1", List.of("198.51.100.1"));
        assertTrue(wait > 3000 && wait <= 3600, "about an hour: " + wait);
    }

    @Test
    void ipv6ClientsOfOneNetworkShareALimit() {
        AbuseLimits limits = limits(Map.of("CLAUDE_SSE_ANSWERS_PER_MINUTE_PER_ADDRESS", "1"));
        assertEquals(0, limits.answerStart("2001:db8:1:2::1", List.of()));
        assertTrue(limits.answerStart("2001:db8:1:2:dead:beef:0:7", List.of()) > 0, "same /64");
        assertEquals(0, limits.answerStart("2001:db8:1:3::1", List.of()), "the next /64");
        assertEquals("2001:db8:1:2:0:0:0:0/64", limits.key("2001:db8:1:2::9", List.of()));
        assertEquals("socket:not-an-address", limits.key("not-an-address", List.of()));
    }
}
