package dev.claudesse.bench;

import java.util.Arrays;

/** Every recorded value in a growable long array; percentiles by nearest rank on the sorted array. */
final class Samples {

    private long[] values = new long[1024];
    private int size;
    private boolean sorted = true;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
        sorted = false;
    }

    int size() {
        return size;
    }

    /** The value at or below which p percent of the samples lie; null when there are none. */
    Long percentile(double p) {
        if (size == 0) {
            return null;
        }
        if (!sorted) {
            Arrays.sort(values, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.min(size, Math.max(1, rank)) - 1];
    }

    Long max() {
        return percentile(100);
    }
}
