package dev.claudesse.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-address counters: a sliding window in twelve slots per key, at most so many keys. */
class SlidingWindowsTest {

    final AtomicLong now = new AtomicLong(3_600_000_000L); // ms, the start of a 5 s and of a 5 min slot
    final SlidingWindows perMinute = new SlidingWindows(3, Duration.ofMinutes(1), 100, now::get);

    @Test
    void theLimitIsReachedThenTheWaitIsUntilTheOldestLeaves() {
        assertEquals(0, perMinute.tryAcquire("a"));
        now.addAndGet(10_000);
        assertEquals(0, perMinute.tryAcquire("a"));
        assertEquals(0, perMinute.tryAcquire("a"));
        now.addAndGet(1_000); // 11 s after the first
        assertEquals(49, perMinute.tryAcquire("a"), "the first leaves the window 60 s after its slot began");
        assertEquals(49, perMinute.tryAcquire("a"), "a refusal is not counted");
        now.addAndGet(48_000);
        assertEquals(1, perMinute.tryAcquire("a"));
        now.addAndGet(1_000);
        assertEquals(0, perMinute.tryAcquire("a"), "room once the first has left");
        assertEquals(10, perMinute.tryAcquire("a"), "then the two of the next slot");
    }

    @Test
    void keysAreCountedApart() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, perMinute.tryAcquire("a"));
        }
        assertTrue(perMinute.tryAcquire("a") > 0);
        assertEquals(0, perMinute.tryAcquire("b"));
    }

    @Test
    void aQuietKeyStartsAgainAfterAWholeWindow() {
        for (int i = 0; i < 3; i++) {
            perMinute.tryAcquire("a");
        }
        now.addAndGet(Duration.ofHours(5).toMillis());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, perMinute.tryAcquire("a"));
        }
    }

    @Test
    void theWaitIsNeverLongerThanTheWindowNorShorterThanASecond() {
        SlidingWindows perHour = new SlidingWindows(2, Duration.ofHours(1), 100, now::get);
        perHour.tryAcquire("a");
        perHour.tryAcquire("a");
        assertEquals(3600, perHour.tryAcquire("a"));
        now.addAndGet(3_599_999);
        assertEquals(1, perHour.tryAcquire("a"), "a millisecond left is a second");
    }

    @Test
    void memoryIsBoundedByForgettingTheKeyUsedLeastRecently() {
        SlidingWindows small = new SlidingWindows(1, Duration.ofMinutes(1), 3, now::get);
        small.tryAcquire("a");
        small.tryAcquire("b");
        small.tryAcquire("c");
        assertTrue(small.tryAcquire("a") > 0, "a was used: it is now the most recent");
        small.tryAcquire("d"); // evicts b, the least recently used
        assertEquals(3, small.size());
        assertTrue(small.tryAcquire("a") > 0, "a is still remembered");
        assertEquals(0, small.tryAcquire("b"), "b was forgotten, so it starts again");
        for (int i = 0; i < 10_000; i++) {
            small.tryAcquire("key-" + i);
        }
        assertEquals(3, small.size());
    }

    @Test
    void aWrongConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(0, Duration.ofMinutes(1), 10));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindows(1, Duration.ofMinutes(1), 0));
    }
}
