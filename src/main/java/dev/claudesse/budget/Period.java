package dev.claudesse.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One budget in one period (an owner's day, say): what the stored answers of the period cost, and what the
 * running answers cost so far, in millionths of a dollar, against the limit.
 */
final class Period {

    final String name;
    final BigDecimal limit;
    final long limitMicros;
    final Instant resetsAt;
    private final AtomicLong loadedNanos = new AtomicLong(System.nanoTime());
    private volatile long storedMicros;
    private final LongAdder runningMicros = new LongAdder();

    Period(String name, BigDecimal limit, Instant resetsAt, BigDecimal stored) {
        this.name = name;
        this.limit = limit;
        this.limitMicros = micros(limit);
        this.resetsAt = resetsAt;
        this.storedMicros = micros(stored);
    }

    long spentMicros() {
        return storedMicros + runningMicros.sum();
    }

    boolean spent() {
        return spentMicros() >= limitMicros;
    }

    void running(long micros) {
        runningMicros.add(micros);
    }

    /** An answer ended: its running estimate leaves, its final cost joins the stored ones. */
    synchronized void settle(long runningMicros, long finalMicros) {
        this.runningMicros.add(-runningMicros);
        storedMicros += finalMicros;
    }

    /** True for the one caller that should read the stored spend again, once it is older than maxAge. */
    boolean claimReload(Duration maxAge) {
        long loaded = loadedNanos.get();
        long now = System.nanoTime();
        return now - loaded > maxAge.toNanos() && loadedNanos.compareAndSet(loaded, now);
    }

    /** The store's figure replaces ours: it has what other nodes saved, and what this one has written. */
    synchronized void reload(BigDecimal stored) {
        storedMicros = micros(stored);
    }

    static long micros(BigDecimal usd) {
        return usd == null ? 0 : usd.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
