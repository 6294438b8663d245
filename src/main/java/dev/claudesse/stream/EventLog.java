package dev.claudesse.stream;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The encoded events of one answer, in order, kept so that any connection can replay them and then
 * follow live. One writer appends; followers are told after each change, on the appending thread, and
 * read what is new with snapshot(). Event id N is at index N-1.
 */
public final class EventLog {

    /** What a reader may write: frames[0..size) and whether the log is complete. */
    public record Snapshot(byte[][] frames, int size, boolean finished) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private final List<Runnable> followers = new CopyOnWriteArrayList<>();
    private byte[][] frames = new byte[8][];
    private int size;
    private long bytes;
    private boolean finished;

    /** A log that is complete from the start, e.g. an answer rebuilt from the store. */
    public static EventLog finished(byte[][] frames) {
        EventLog log = new EventLog();
        log.frames = frames.clone();
        log.size = frames.length;
        for (byte[] frame : frames) {
            log.bytes += frame.length;
        }
        log.finished = true;
        return log;
    }

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
            bytes += frame.length;
        } finally {
            lock.unlock();
        }
        tellFollowers();
    }

    /** Marks the log complete: followers drain what is left and stop. */
    public void finish() {
        lock.lock();
        try {
            finished = true;
            ended.signalAll();
        } finally {
            lock.unlock();
        }
        tellFollowers();
    }

    public Snapshot snapshot() {
        lock.lock();
        try {
            return new Snapshot(frames, size, finished);
        } finally {
            lock.unlock();
        }
    }

    /** The bytes of all frames so far: what the log holds in memory, give or take the arrays. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Runs onChange after every append and at the finish, on the thread that made the change. */
    public void follow(Runnable onChange) {
        followers.add(onChange);
    }

    public void unfollow(Runnable onChange) {
        followers.remove(onChange);
    }

    private void tellFollowers() {
        for (Runnable follower : followers) {
            follower.run();
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
                ended.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
