package dev.claudesse.stream;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The encoded events of one answer, in order, kept so that any connection can replay them and then
 * follow live. One writer appends; any number of readers wait for more. Event id N is at index N-1.
 */
public final class EventLog {

    /** What a reader may write next: frames[from..size) and whether the log is complete. */
    public record Snapshot(byte[][] frames, int size, boolean finished) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grew = lock.newCondition();
    private byte[][] frames = new byte[8][];
    private int size;
    private boolean finished;

    public void append(byte[] frame) {
        lock.lock();
        try {
            if (finished) {
                throw new IllegalStateException("the answer has already ended");
            }
            if (size == frames.length) {
                // readers may still hold the old array; entries below its length never change
                frames = Arrays.copyOf(frames, size * 2);
            }
            frames[size++] = frame;
            grew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the log complete: readers drain what is left and stop. */
    public void finish() {
        lock.lock();
        try {
            finished = true;
            grew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until there are frames at or past index from, the log is finished, or wake() is called;
     * returns what is there then. Untimed on purpose: a timed wait per reader would arm and cancel a
     * timer for every event; pings come from one shared clock that calls wake() instead.
     */
    public Snapshot await(int from) throws InterruptedException {
        lock.lock();
        try {
            if (size <= from && !finished) {
                grew.await();
            }
            return new Snapshot(frames, size, finished);
        } finally {
            lock.unlock();
        }
    }


    /** Lets waiting readers look again, e.g. because their connection closed. */
    public void wake() {
        lock.lock();
        try {
            grew.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the answer has ended; false when the timeout passed first. */
    public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (!finished) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                grew.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
