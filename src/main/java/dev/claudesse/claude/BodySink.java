package dev.claudesse.claude;

/** Takes a response body's bytes as they arrive: one call at a time, in order. */
@FunctionalInterface
public interface BodySink {

    /** @return false when no more bytes are wanted */
    boolean accept(byte[] bytes, int offset, int length);
}
