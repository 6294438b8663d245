package dev.claudesse.web;

import dev.claudesse.protocol.SseFrames;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One browser connection receiving an event stream. A single lock covers write+flush and completion;
 * once closed (by us, a failed write, or the container) nothing touches the response again.
 */
final class SseConnection implements AsyncListener {

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Runnable onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    private SseConnection(AsyncContext async, ServletOutputStream out, Runnable onClose) {
        this.async = async;
        this.out = out;
        this.onClose = onClose;
    }

    /** Goes async, sends the stream headers and the retry hint, and flushes them at once. */
    static SseConnection open(HttpServletRequest req, HttpServletResponse resp, Runnable onClose) throws IOException {
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache, no-transform");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        SseConnection connection = new SseConnection(async, resp.getOutputStream(), onClose);
        async.addListener(connection);
        connection.write(SseFrames.RETRY);
        return connection;
    }

    /** Writes the frames and flushes once; false when the browser is gone. */
    boolean write(byte[][] frames, int from, int to) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            for (int i = from; i < to; i++) {
                out.write(frames[i]);
            }
            out.flush();
            return true;
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: containers signal a recycled or errored response in various ways
            closeLocked();
            return false;
        } finally {
            lock.unlock();
        }
    }

    boolean write(byte[] frame) {
        return write(new byte[][]{frame}, 0, 1);
    }

    /** Keeps proxies from timing out an idle stream, and finds browsers that left. */
    boolean ping() {
        return write(SseFrames.PING);
    }

    boolean isClosed() {
        return closed;
    }

    /** Ends the response. Idempotent. */
    void complete() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // the container already completed or errored this request
        }
        onClose.run();
    }

    /**
     * The container is done with this response. Taking the lock waits out a write in progress, so that
     * once this returns and the container recycles the response, we never touch it again.
     */
    private void closedByContainer() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        onClose.run();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        closedByContainer();
    }

    @Override
    public void onError(AsyncEvent event) {
        closedByContainer();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        closedByContainer();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
