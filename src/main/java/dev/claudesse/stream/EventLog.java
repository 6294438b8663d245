package dev.claudesse.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The encoded events of one answer, in order, kept so that any connection can replay them and then
 * follow live. One writer appends; followers are told after each change, on the appending thread, and
 * read what is new with snapshot(). Event id N is at index N-1. When the log finishes, its frames are
 * packed into one array: an ended answer waits in memory for the replay window, and one array instead of
 * one per event is far less for the garbage collector to trace and move.
 */
public final class EventLog {

    /**
     * What a reader may write: events 0..size) and whether the log is complete. The events are either
     * separate arrays (frames) or, once packed, one array with the offset where each starts (offsets[size]
     * is the end).
     */
    public record Snapshot(byte[][] frames, byte[] packed, int[] offsets, int size, boolean finished) {

        /** Writes event i without copying it. */
        public void writeTo(OutputStream out, int i) throws IOException {
            if (packed == null) {
                out.write(frames[i]);
            } else {
                out.write(packed, offsets[i], offsets[i + 1] - offsets[i]);
            }
        }

        /** Event i as an array of its own (a copy when packed): for tests and replays, not the hot path. */
        public byte[] frame(int i) {
            return packed == null ? frames[i] : Arrays.copyOfRange(packed, offsets[i], offsets[i + 1]);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ended = lock.newCondition();
    private final List<Runnable> followers = new CopyOnWriteArrayList<>();
    private byte[][] frames = new byte[8][];
    private byte[] packed;
    private int[] offsets;
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
            pack();
            ended.signalAll();
        } finally {
            lock.unlock();
        }
        tellFollowers();
    }

    /** Readers that took a snapshot before keep their arrays, which never change. */
    private void pack() {
        if (size < 2) {
            return;
        }
        int[] starts = new int[size + 1];
        for (int i = 0; i < size; i++) {
            starts[i + 1] = starts[i] + frames[i].length;
        }
        byte[] all = new byte[starts[size]];
        for (int i = 0; i < size; i++) {
            System.arraycopy(frames[i], 0, all, starts[i], frames[i].length);
        }
        packed = all;
        offsets = starts;
        frames = null;
    }

    public Snapshot snapshot() {
        lock.lock();
        try {
            return new Snapshot(frames, packed, offsets, size, finished);
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
