package dev.claudesse.claude;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Claude's event stream from the JDK's HttpClient, handed to the sink on the thread that receives it
 * (the client's selector thread): no hand-off to another thread per delta. Demand is unbounded, which is
 * safe because the sink only parses and appends to an answer's log; it never waits on a browser.
 * The lock makes cancel() wait out a sink call in progress, so no call follows deliver()'s return.
 */
final class PushedBody implements HttpResponse.BodySubscriber<UpstreamBody>, UpstreamBody {

    private final ReentrantLock lock = new ReentrantLock();
    private final CompletableFuture<Void> delivered = new CompletableFuture<>();
    private final CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    private volatile boolean ended;
    private BodySink sink;
    private boolean stopped;
    private byte[] scratch;

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
        if (!ended) {
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
