package dev.claudesse.claude;

import java.io.IOException;
import java.io.InputStream;

/** A body read from an InputStream on the caller's thread: the demo's, and Claude's error answers. */
public final class StreamBody implements UpstreamBody {

    private final InputStream in;
    private volatile boolean cancelled;

    public StreamBody(InputStream in) {
        this.in = in;
    }

    @Override
    public void deliver(BodySink sink) throws IOException {
        byte[] buffer = new byte[2048];
        try {
            int n;
            while (!cancelled && (n = in.read(buffer)) >= 0) {
                if (!sink.accept(buffer, 0, n)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!cancelled) {
                throw e;
            }
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        close();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
