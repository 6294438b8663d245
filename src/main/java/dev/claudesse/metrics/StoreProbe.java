package dev.claudesse.metrics;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Whether the database answers, as a gauge that never makes a scrape wait: checking opens a connection,
 * which takes seconds when the database is down (and a pool may wait for a free connection without
 * limit). So a scrape reads the last result, and when that is older than maxAge it starts one check in
 * the background for the next scrape. Before the first check ends the value is NaN (unknown).
 */
final class StoreProbe {

    private final BooleanSupplier reachable;
    private final Executor executor;
    private final long maxAgeNanos;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile double value = Double.NaN;
    private volatile long checkedNanos;

    StoreProbe(BooleanSupplier reachable, Executor executor, Duration maxAge) {
        this.reachable = reachable;
        this.executor = executor;
        this.maxAgeNanos = maxAge.toNanos();
        checkedNanos = System.nanoTime() - maxAgeNanos;
        refreshIfOld();
    }

    /** 1 reachable, 0 not, NaN not known yet. */
    double value() {
        refreshIfOld();
        return value;
    }

    private void refreshIfOld() {
        if (System.nanoTime() - checkedNanos < maxAgeNanos || !checking.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::check);
        } catch (RejectedExecutionException e) {
            checking.set(false); // shutting down: keep the last value
        }
    }

    private void check() {
        try {
            boolean ok;
            try {
                ok = reachable.getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            value = ok ? 1 : 0;
            checkedNanos = System.nanoTime();
        } finally {
            checking.set(false);
        }
    }
}
