package dev.claudesse.limits;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most {@code limit} events per key within a sliding window, in bounded memory. The window is cut into
 * {@value #SLOTS} slots; a key keeps one count per slot, so its memory does not grow with the limit, and
 * the window slides a slot at a time (a minute's window by five seconds). At most {@code maxKeys} keys are
 * kept: past that the key used least recently is forgotten first (its count starts again from nothing
 * if it comes back, so a client with more addresses than that could slip through: these limits are for
 * one address that overdoes it, not for an attack from many).
 */
public final class SlidingWindows {

    static final int SLOTS = 12;

    private final int limit;
    private final long slotMillis;
    private final int maxKeys;
    private final LongSupplier clockMillis;
    private final Map<String, Window> windows;

    /** One key's counts: counts[slot % SLOTS] for the SLOTS slots up to and including newest. */
    private static final class Window {
        final int[] counts = new int[SLOTS];
        long newest = Long.MIN_VALUE;

        void advanceTo(long slot) {
            if (newest == Long.MIN_VALUE || slot - newest >= SLOTS) {
                java.util.Arrays.fill(counts, 0);
            } else {
                for (long s = newest + 1; s <= slot; s++) {
                    counts[(int) Math.floorMod(s, (long) SLOTS)] = 0;
                }
            }
            newest = Math.max(newest, slot);
        }

        int total() {
            int sum = 0;
            for (int count : counts) {
                sum += count;
            }
            return sum;
        }
    }

    /**
     * @param limit   events a key may have within the window (at least 1)
     * @param window  the window's length (at least SLOTS milliseconds)
     * @param maxKeys most keys remembered at once
     * @param clockMillis a monotonic clock in milliseconds
     */
    public SlidingWindows(int limit, Duration window, int maxKeys, LongSupplier clockMillis) {
        if (limit < 1 || maxKeys < 1 || window.toMillis() < SLOTS) {
            throw new IllegalArgumentException("limit, window and maxKeys must be positive");
        }
        this.limit = limit;
        this.slotMillis = window.toMillis() / SLOTS;
        this.maxKeys = maxKeys;
        this.clockMillis = clockMillis;
        this.windows = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > SlidingWindows.this.maxKeys;
            }
        };
    }

    /** The same on the JVM's monotonic clock. */
    public SlidingWindows(int limit, Duration window, int maxKeys) {
        this(limit, window, maxKeys, () -> System.nanoTime() / 1_000_000);
    }

    /**
     * Counts one event for the key if its window has room, and returns 0; otherwise counts nothing and
     * returns how many seconds (at least 1) until the window has room again.
     */
    public synchronized long tryAcquire(String key) {
        long now = clockMillis.getAsLong();
        long slot = Math.floorDiv(now, slotMillis);
        Window window = windows.get(key);
        if (window == null) {
            window = new Window();
            windows.put(key, window);
        }
        window.advanceTo(slot);
        int total = window.total();
        if (total < limit) {
            window.counts[(int) Math.floorMod(slot, (long) SLOTS)]++;
            return 0;
        }
        // The oldest slots leave the window one by one: room comes when the one that brings the count
        // below the limit has left.
        long oldest = window.newest - SLOTS + 1;
        int remaining = total;
        for (long s = oldest; s <= window.newest; s++) {
            remaining -= window.counts[(int) Math.floorMod(s, (long) SLOTS)];
            if (remaining < limit) {
                long roomAt = (s + SLOTS) * slotMillis;
                return Math.max(1, (roomAt - now + 999) / 1000);
            }
        }
        return Math.max(1, (SLOTS * slotMillis + 999) / 1000); // not reached: the loop ends at zero
    }

    /** How many keys are remembered now. */
    public synchronized int size() {
        return windows.size();
    }

    public int limit() {
        return limit;
    }
}
