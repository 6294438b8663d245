package dev.claudesse.bench;

import java.util.Map;

/**
 * The shape of one fake answer: how many text deltas, how many bytes of text each, and the pause between them.
 * The fake has a default shape; a request (or the control call {@code POST /bench/config}) overrides parts of it
 * with the headers {@code x-bench-deltas}, {@code x-bench-size} and {@code x-bench-interval-ms}.
 */
record StreamShape(int deltas, int size, long intervalMillis) {

    static final String DELTAS = "x-bench-deltas";
    static final String SIZE = "x-bench-size";
    static final String INTERVAL = "x-bench-interval-ms";

    StreamShape {
        if (deltas < 0 || size < 0 || intervalMillis < 0) {
            throw new IllegalArgumentException("deltas, size and interval must not be negative");
        }
    }

    /** This shape with whatever the given lower-case headers override; unparsable values are an error. */
    StreamShape overriddenBy(Map<String, String> headers) {
        return new StreamShape(
                intOr(headers.get(DELTAS), deltas),
                intOr(headers.get(SIZE), size),
                intOr(headers.get(INTERVAL), (int) intervalMillis));
    }

    private static int intOr(String value, int fallback) {
        return value == null ? fallback : Integer.parseInt(value.trim());
    }

    String toJson() {
        return "{\"deltas\":" + deltas + ",\"size\":" + size + ",\"intervalMs\":" + intervalMillis + "}";
    }
}
