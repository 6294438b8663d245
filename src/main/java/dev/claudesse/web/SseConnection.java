package dev.claudesse.web;

import dev.claudesse.protocol.SseFrames;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One browser connection receiving an event stream. A single lock covers write+flush and completion;
 * once closed (by us, a failed write, or the container) nothing touches the response again.
 */
final class SseConnection implements AsyncListener {

    /** How long a stopping container's timeout waits for the relay to write the terminal event. */
    private static final long CONTAINER_STOP_GRACE_MILLIS = 2000;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Runnable onClose;
    private final Runnable onContainerStopping;
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch closedByUs = new CountDownLatch(1);
    private volatile boolean closed;

    private SseConnection(AsyncContext async, ServletOutputStream out, Runnable onClose, Runnable onContainerStopping) {
        this.async = async;
        this.out = out;
        this.onClose = onClose;
        this.onContainerStopping = onContainerStopping;
    }

    /**
     * Goes async, sends the stream headers and the retry hint, and flushes them at once.
     *
     * @param onContainerStopping runs when the container gives up on the request because the webapp stops
     */
    static SseConnection open(HttpServletRequest req, HttpServletResponse resp, Runnable onClose,
                              Runnable onContainerStopping) throws IOException {
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache, no-transform");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        SseConnection connection = new SseConnection(async, resp.getOutputStream(), onClose, onContainerStopping);
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
        closedByUs.countDown();
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

    /**
     * Our timeout is 0 (never), so a timeout means the container gives up on the request because the
     * webapp is stopping: Tomcat times out the async requests of a stopping context, possibly before
     * contextDestroyed runs. So end the answers now, and let the relay write their terminal events and
     * complete the response before the container closes it.
     */
    @Override
    public void onTimeout(AsyncEvent event) {
        onContainerStopping.run();
        try {
            closedByUs.await(CONTAINER_STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closedByContainer();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
