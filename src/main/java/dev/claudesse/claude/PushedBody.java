package dev.claudesse.claude;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Claude's response body as an InputStream, fed with unbounded demand. The JDK's own ofInputStream asks
 * for one buffer at a time, which pauses and re-arms the socket's selector interest for every delta;
 * here the client just keeps reading. Unbounded is safe: the reader is the answer's own thread, which
 * only parses and never waits on a browser. close() cancels the exchange (the connection is dropped).
 */
final class PushedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    private static final List<ByteBuffer> END = List.of();

    private final BlockingQueue<List<ByteBuffer>> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile Throwable failure;
    private volatile boolean closed;
    private List<ByteBuffer> current = List.of();
    private int index;
    private boolean ended;

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        queue.add(buffers);
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        queue.add(END);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        ByteBuffer buffer = nextBuffer();
        if (buffer == null) {
            return -1;
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(target, offset, n);
        return n;
    }

    @Override
    public int read() throws IOException {
        ByteBuffer buffer = nextBuffer();
        return buffer == null ? -1 : buffer.get() & 0xff;
    }

    /** The next buffer with bytes left; null at the end of the body. */
    private ByteBuffer nextBuffer() throws IOException {
        while (true) {
            if (closed) {
                throw new IOException("closed");
            }
            if (ended) {
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                return null;
            }
            while (index < current.size()) {
                ByteBuffer buffer = current.get(index);
                if (buffer.hasRemaining()) {
                    return buffer;
                }
                index++;
            }
            try {
                List<ByteBuffer> next = queue.take();
                if (next == END) {
                    ended = true;
                } else {
                    current = next;
                    index = 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading Claude's stream");
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        queue.add(END); // wakes a reader blocked in take()
    }
}
