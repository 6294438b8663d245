package dev.claudesse.web;

import dev.claudesse.dialect.Dialect;
import dev.claudesse.dialect.ProductDialect;
import dev.claudesse.stream.Answer;
import dev.claudesse.stream.EventLog;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One browser connection following an answer's event log, with non-blocking output: whichever thread
 * changed the log writes the new events at once (for Claude's text, the HTTP client's thread that
 * parsed them), so no thread waits per connection and none is woken per chunk. When the browser is slow,
 * the container calls onWritePossible and the rest goes out from there. A single lock covers every
 * write, flush and the close; once closed (by us, a failed write, or the container) nothing touches the
 * response again.
 */
final class SseConnection implements AsyncListener, WriteListener {

    /** How long a stopping container's timeout waits for the terminal event to be written. */
    private static final long CONTAINER_STOP_GRACE_MILLIS = 2000;

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final EventLog log;
    private final Answer answer;
    private final byte[] keepAlive;
    private final Pinger pinger;
    private final long pingNanos;
    private final Runnable onContainerStopping;
    private final Runnable onLogChanged = this::drain;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private volatile long lastWrite = System.nanoTime();
    private boolean pingDue;
    private boolean unflushed;
    private int next;

    private SseConnection(AsyncContext async, ServletOutputStream out, EventLog log, int from, Answer answer,
                          byte[] keepAlive, Pinger pinger, Duration pingInterval, Runnable onContainerStopping) {
        this.async = async;
        this.out = out;
        this.log = log;
        this.keepAlive = keepAlive;
        this.next = from;
        this.answer = answer;
        this.pinger = pinger;
        this.pingNanos = pingInterval.toNanos();
        this.onContainerStopping = onContainerStopping;
    }

    /**
     * Follows a live answer from event index from on; the container stopping drains the app (its answers
     * get CLAUDE_SSE_DRAIN_SECONDS to end), then ends the rest.
     */
    static void follow(HttpServletRequest req, HttpServletResponse resp, Answer answer, int from, App app)
            throws IOException {
        open(req, resp, answer.dialect(), answer.log(), from, answer, app, app::drainThenEnd);
    }

    /** Sends an answer rebuilt from the store, whole, and ends. */
    static void replay(HttpServletRequest req, HttpServletResponse resp, byte[][] frames, App app)
            throws IOException {
        open(req, resp, ProductDialect.INSTANCE, EventLog.finished(frames), 0, null, app, () -> { });
    }

    /**
     * Goes async, sends the stream headers, then the retry hint and the log's events from index from on,
     * and follows the log until it finishes. The retry hint is written while the output still blocks;
     * from setWriteListener on, only drain() writes.
     */
    private static void open(HttpServletRequest req, HttpServletResponse resp, Dialect dialect, EventLog log,
                             int from, Answer answer, App app, Runnable onContainerStopping) throws IOException {
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache, no-transform");
        resp.setHeader("X-Accel-Buffering", "no");
        dialect.headers().forEach(resp::setHeader);
        AsyncContext async = req.startAsync();
        async.setTimeout(0);
        SseConnection connection = new SseConnection(async, resp.getOutputStream(), log, from, answer,
                dialect.keepAlive(), app.pinger, app.settings.pingInterval(), onContainerStopping);
        async.addListener(connection);
        if (answer != null) {
            answer.follow();
        }
        connection.out.write(dialect.opening());
        connection.unflushed = true; // the headers go out at once, before Claude answers
        connection.out.setWriteListener(connection);
        // Only now may other threads call drain(): output is non-blocking from here on.
        app.pinger.add(connection);
        log.follow(connection.onLogChanged);
        connection.drain();
    }

    /**
     * Writes whatever is due while the container can take it, then flushes once. Returns when all is
     * written or the output is not ready; in that case the container calls onWritePossible later.
     */
    private void drain() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            // One look at the log per drain: an append that lands meanwhile calls drain() again.
            EventLog.Snapshot events = log.snapshot();
            while (out.isReady()) {
                if (next < events.size()) {
                    events.writeTo(out, next++);
                    unflushed = true;
                    pingDue = false;
                } else if (pingDue) {
                    out.write(keepAlive);
                    pingDue = false;
                    unflushed = true;
                } else if (unflushed) {
                    out.flush();
                    unflushed = false;
                    lastWrite = System.nanoTime();
                } else {
                    if (events.finished()) {
                        closeLocked();
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: containers signal a recycled or errored response in various ways
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the Pinger's clock: keeps proxies from timing out a quiet stream, and finds browsers that left. */
    void pingIfQuiet(long now) {
        if (closed || now - lastWrite < pingNanos) {
            return;
        }
        lock.lock();
        try {
            pingDue = true;
        } finally {
            lock.unlock();
        }
        drain();
    }

    boolean isClosed() {
        return closed;
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        release();
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // the container already completed or errored this request
        }
    }

    /** Marks this closed and stops following; the caller holds the lock. */
    private void release() {
        closed = true;
        log.unfollow(onLogChanged);
        pinger.remove(this);
        if (answer != null) {
            answer.unfollow();
        }
    }

    /**
     * The container is done with this response. Taking the lock waits out a write in progress, so that
     * once this returns and the container recycles the response, we never touch it again.
     */
    private void closedByContainer() {
        lock.lock();
        try {
            if (!closed) {
                release();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    @Override
    public void onError(Throwable failure) {
        closedByContainer();
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
     * webapp is stopping: Tomcat times out the async requests of a stopping context (its once-a-second
     * sweep, as soon as the context is no longer available), possibly before contextDestroyed runs. So
     * drain: the answer goes on streaming for up to CLAUDE_SSE_DRAIN_SECONDS (this container thread waits),
     * then the rest end, and their terminal events are written and the response completed before the
     * container closes it.
     */
    @Override
    public void onTimeout(AsyncEvent event) {
        onContainerStopping.run();
        try {
            if (answer != null) {
                answer.awaitEnd(Duration.ofMillis(CONTAINER_STOP_GRACE_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // This container thread owns the request now, so it writes the terminal events itself.
        drain();
        closedByContainer();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
