package dev.claudesse.fake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets a test step a streaming response: after its free parts, the fake sends one part per
 * {@link #release()}. The test can also wait until a number of parts went out on the wire.
 */
public final class Gate {

    private static final int OPEN_PERMITS = 1_000_000;

    private final Semaphore permits = new Semaphore(0);
    private final Object sentLock = new Object();
    private int sent;
    private final List<Long> sentNanos = new ArrayList<>();

    /** Lets one more part go. */
    public void release() {
        permits.release();
    }

    /** Lets n more parts go. */
    public void release(int n) {
        permits.release(n);
    }

    /** Lets every remaining part go. */
    public void open() {
        permits.release(OPEN_PERMITS);
    }

    /** Parts of the response written and flushed so far (free parts included). */
    public int sent() {
        synchronized (sentLock) {
            return sent;
        }
    }

    /** When part n (1-based, free parts included) was written and flushed, in System.nanoTime(). */
    public long sentAtNanos(int n) {
        synchronized (sentLock) {
            return sentNanos.get(n - 1);
        }
    }

    /** Waits until at least n parts were written and flushed; fails the test on timeout. */
    public void awaitSent(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sentLock) {
            while (sent < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("gate: " + sent + " parts sent, expected " + n + " within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(sentLock, left);
            }
        }
    }

    /** Waits for a permit; gives up (false) as soon as {@code stop} says so. */
    boolean awaitPermit(BooleanSupplier stop) throws InterruptedException {
        while (!stop.getAsBoolean()) {
            if (permits.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    void partSent() {
        synchronized (sentLock) {
            sent++;
            sentNanos.add(System.nanoTime());
            sentLock.notifyAll();
        }
    }
}
