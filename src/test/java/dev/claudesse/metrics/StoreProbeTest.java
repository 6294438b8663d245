package dev.claudesse.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The database gauge reads the last check and never runs one on the scraping thread. */
class StoreProbeTest {

    /** An executor that only queues: the test runs the checks when it likes. */
    private final List<Runnable> queued = new ArrayList<>();

    @Test
    void aScrapeReadsTheLastCheckAndStartsAtMostOneMore() {
        AtomicBoolean up = new AtomicBoolean(true);
        AtomicInteger checks = new AtomicInteger();
        StoreProbe probe = new StoreProbe(() -> {
            checks.incrementAndGet();
            return up.get();
        }, queued::add, Duration.ZERO);
        assertTrue(Double.isNaN(probe.value()), "unknown until the first check ran");
        assertEquals(1, queued.size(), "one check at a time");
        queued.removeFirst().run();
        assertEquals(1.0, probe.value());
        up.set(false);
        queued.removeFirst().run();
        assertEquals(0.0, probe.value());
        assertEquals(2, checks.get());
    }

    @Test
    void aRecentCheckIsNotRepeated() {
        StoreProbe probe = new StoreProbe(() -> true, queued::add, Duration.ofHours(1));
        queued.removeFirst().run();
        assertEquals(1.0, probe.value());
        assertEquals(1.0, probe.value());
        assertEquals(0, queued.size());
    }

    @Test
    void aFailingCheckIsUnreachableAndAStoppedExecutorKeepsTheLastValue() {
        StoreProbe failing = new StoreProbe(() -> {
            throw new IllegalStateException("pool closed");
        }, queued::add, Duration.ZERO);
        queued.removeFirst().run();
        assertEquals(0.0, failing.value());

        StoreProbe stopped = new StoreProbe(() -> true, task -> {
            throw new RejectedExecutionException();
        }, Duration.ZERO);
        assertTrue(Double.isNaN(stopped.value()));
    }
}
