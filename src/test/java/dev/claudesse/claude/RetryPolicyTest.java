package dev.claudesse.claude;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(10));

    @Test
    void transientStatusesAreRetriedOthersAreNot() {
        for (int status : new int[]{408, 409, 429, 500, 502, 503, 529}) {
            assertTrue(RetryPolicy.isRetryable(status), "status " + status);
        }
        for (int status : new int[]{400, 401, 403, 404, 413}) {
            assertFalse(RetryPolicy.isRetryable(status), "status " + status);
        }
    }

    @Test
    void theServersHintIsHonouredUpToTheCap() {
        assertEquals(Duration.ofMillis(1200), policy.delay(1, Duration.ofMillis(1200)));
        assertEquals(Duration.ofSeconds(10), policy.delay(1, Duration.ofMinutes(5)));
    }

    @Test
    void backoffGrowsWithJitterWithinBounds() {
        for (int i = 0; i < 100; i++) {
            long first = policy.delay(1, null).toMillis();
            long second = policy.delay(2, null).toMillis();
            assertTrue(first >= 250 && first <= 500, "first " + first);
            assertTrue(second >= 500 && second <= 1000, "second " + second);
        }
    }
}
