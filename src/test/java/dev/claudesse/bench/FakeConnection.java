package dev.claudesse.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One client connection to the fake: its unparsed input, its unsent output, and the answer it is streaming. */
final class FakeConnection {

    final SocketChannel channel;
    final SelectionKey key;
    /** Received bytes not yet consumed (write mode: position = bytes held). */
    final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    /** Output the socket did not take yet (read mode), or null when it has caught up. */
    ByteBuffer pending;
    /** Request body bytes still to skip; the fake does not need Claude's request. */
    long bodyToSkip;

    boolean streaming;
    StreamShape shape;
    int deltasSent;
    long dueNanos;
    long startNanos;
    boolean closed;

    FakeConnection(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
    }

    void startStream(StreamShape shape, long now) {
        this.shape = shape;
        this.streaming = true;
        this.deltasSent = 0;
        this.startNanos = now;
        this.dueNanos = now;
    }

    /** Deltas keep a fixed rate from the stream's start, so a late tick does not shift every later delta. */
    void scheduleNext() {
        dueNanos = startNanos + deltasSent * shape.intervalMillis() * 1_000_000L;
    }

    /** Drops the first n held bytes. */
    void consume(int n) {
        in.flip();
        in.position(n);
        in.compact();
    }
}
