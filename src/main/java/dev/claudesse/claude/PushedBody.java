package dev.claudesse.claude;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Claude's event stream from the JDK's HttpClient, handed to the sink on the thread that receives it
 * (the client's selector thread): no hand-off to another thread per delta. Demand is unbounded, which is
 * safe because the sink only parses and appends to an answer's log; it never waits on a browser.
 * The lock makes cancel() wait out a sink call in progress, so no call follows deliver()'s return.
 *
 * <p>When the sink wants no more (Claude's message_stop), the body is still read to its end rather than
 * cancelled: the HTTP/1.1 connection can then carry another answer, and over HTTP/2 the finished stream is
 * not reset. A reset per answer is what HTTP/2 servers count against "rapid reset" floods: Jetty's default
 * allows 128 a second on a connection and then closes it with every stream on it (docs/performance.md,
 * "HTTP/2 to Claude"). Only a body that has not ended within {@link #END_GRACE} after that is cancelled.
 */
final class PushedBody implements HttpResponse.BodySubscriber<UpstreamBody>, UpstreamBody {

    /** How long a body whose sink wanted no more may take to end by itself before it is cancelled. */
    static final Duration END_GRACE = Duration.ofSeconds(10);

    private final Duration endGrace;
    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> delivered = new CompletableFuture<>();
    private final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    private volatile boolean ended;
    private BodySink sink;
    private boolean stopped;
    private boolean declined;
    private byte[] scratch;

    PushedBody() {
        this(END_GRACE);
    }

    PushedBody(Duration endGrace) {
        this.endGrace = endGrace;
    }

    @Override
    public CompletionStage<UpstreamBody> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscribed.complete(subscription);
    }

    @Override
    public void deliver(BodySink target) throws IOException {
        boolean start;
        lock.lock();
        try {
            start = !stopped;
            sink = target;
        } finally {
            lock.unlock();
        }
        if (start) {
            subscribed.thenAccept(s -> s.request(Long.MAX_VALUE));
        }
        try {
            delivered.get();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        lock.lock();
        try {
            for (int i = 0; i < buffers.size() && !stopped; i++) {
                if (!push(buffers.get(i))) {
                    stopped = true; // keep reading to the end, so the connection can serve another answer
                    declined = true;
                    delivered.complete(null);
                }
            }
        } catch (RuntimeException e) {
            stopped = true;
            subscribed.thenAccept(Flow.Subscription::cancel);
            delivered.completeExceptionally(e);
        } finally {
            lock.unlock();
        }
    }

    private boolean push(ByteBuffer buffer) {
        int length = buffer.remaining();
        if (buffer.hasArray()) {
            return sink.accept(buffer.array(), buffer.arrayOffset() + buffer.position(), length);
        }
        if (scratch == null || scratch.length < length) {
            scratch = new byte[Math.max(length, 2048)];
        }
        buffer.get(scratch, 0, length);
        return sink.accept(scratch, 0, length);
    }

    @Override
    public void onError(Throwable failure) {
        ended = true;
        stop();
        delivered.completeExceptionally(failure instanceof IOException ? failure : new IOException(failure));
    }

    @Override
    public void onComplete() {
        ended = true;
        stop();
        delivered.complete(null);
    }

    @Override
    public void cancel() {
        stop();
        subscribed.thenAccept(Flow.Subscription::cancel);
        delivered.complete(null);
    }

    @Override
    public void close() {
        if (ended) {
            return;
        }
        boolean finishing;
        lock.lock();
        try {
            finishing = declined;
        } finally {
            lock.unlock();
        }
        if (finishing) { // its end is on the way (usually in the same frame): cancel only if it does not come
            CompletableFuture.delayedExecutor(endGrace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!ended) {
                    cancel();
                }
            });
        } else {
            cancel();
        }
    }

    private void stop() {
        lock.lock();
        try {
            stopped = true;
        } finally {
            lock.unlock();
        }
    }
}
