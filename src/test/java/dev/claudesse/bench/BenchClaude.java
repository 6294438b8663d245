package dev.claudesse.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Comparator;
import java.util.Iterator;
import java.util.PriorityQueue;

/**
 * A fake Claude Messages API for benchmarks, run as its own process. {@code POST /v1/messages} streams N text
 * deltas (see {@link ClaudeWire}) at a fixed interval. Everything runs on one thread: one selector for the
 * sockets, and one priority queue of due deltas as the timer, so thousands of streams cost almost nothing.
 *
 * <pre>java -cp ... dev.claudesse.bench.BenchClaude [--port 0] [--deltas 10] [--size 48] [--interval-ms 100]</pre>
 *
 * Prints {@code BenchClaude listening on 127.0.0.1:<port>} at start and its CPU time on exit.
 * {@code POST /bench/config} with x-bench-* headers changes the default shape (the app does not pass our
 * headers on, so the load client sets the shape this way); the same headers on a message request override it
 * for that request only.
 */
public final class BenchClaude {

    private static final long MAX_PENDING_BYTES = 4L << 20;
    private static final byte[] NOTHING = new byte[0];

    private final Selector selector;
    private final ServerSocketChannel server;
    private final PriorityQueue<FakeConnection> due =
            new PriorityQueue<>(Comparator.comparingLong((FakeConnection c) -> c.dueNanos));
    private ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
    private volatile StreamShape defaults;
    private long requests;
    private long deltasSent;

    BenchClaude(int port, StreamShape defaults) throws IOException {
        this.defaults = defaults;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    public static void main(String[] args) throws IOException {
        Args options = new Args(args);
        StreamShape shape = new StreamShape(options.integer("--deltas", 10), options.integer("--size", 48),
                options.integer("--interval-ms", 100));
        BenchClaude fake = new BenchClaude(options.integer("--port", 0), shape);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
                "BenchClaude stopping: %d requests, %d deltas, cpu %.1f ms%n",
                fake.requests, fake.deltasSent, ProcStats.cpuNanos(ProcessHandle.current().pid()) / 1e6)));
        System.out.println("BenchClaude listening on 127.0.0.1:" + fake.port() + " " + shape.toJson());
        System.out.flush();
        fake.run();
    }

    /** The event loop; returns only when the selector is closed. */
    void run() throws IOException {
        while (selector.isOpen()) {
            selector.select(this::handle, millisUntilNextDelta());
            sendDueDeltas(System.nanoTime());
        }
    }

    void stop() throws IOException {
        selector.close();
        server.close();
    }

    private long millisUntilNextDelta() {
        FakeConnection next = due.peek();
        if (next == null) {
            return 0; // block until a socket event
        }
        long wait = next.dueNanos - System.nanoTime();
        return wait <= 0 ? 1 : Math.max(1, (wait + 999_999) / 1_000_000);
    }

    private void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept();
                return;
            }
            FakeConnection connection = (FakeConnection) key.attachment();
            if (key.isWritable()) {
                flushPending(connection);
            }
            if (key.isReadable()) {
                read(connection);
            }
        } catch (IOException | RuntimeException e) {
            if (key.attachment() instanceof FakeConnection connection) {
                close(connection);
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            key.attach(new FakeConnection(channel, key));
        }
    }

    private void read(FakeConnection connection) throws IOException {
        if (!connection.in.hasRemaining()) {
            sendSimple(connection, 431, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                    + "\"message\":\"request head too large\"}}");
            close(connection);
            return;
        }
        if (connection.channel.read(connection.in) < 0) {
            close(connection);
            return;
        }
        processInput(connection);
    }

    /** Skips request bodies and starts the next request once the previous answer has finished. */
    private void processInput(FakeConnection connection) throws IOException {
        while (!connection.closed) {
            int held = connection.in.position();
            if (connection.bodyToSkip > 0) {
                int skip = (int) Math.min(connection.bodyToSkip, held);
                if (skip == 0) {
                    return;
                }
                connection.consume(skip);
                connection.bodyToSkip -= skip;
                continue;
            }
            if (connection.streaming) {
                return; // a pipelined request waits for the current answer
            }
            int end = RequestHead.end(connection.in.array(), held);
            if (end < 0) {
                return;
            }
            RequestHead head = RequestHead.parse(connection.in.array(), end);
            connection.consume(end);
            respond(connection, head);
        }
    }

    private void respond(FakeConnection connection, RequestHead head) throws IOException {
        if (head.chunkedBody()) {
            sendSimple(connection, 411, error("invalid_request_error", "send a content-length"));
            close(connection);
            return;
        }
        connection.bodyToSkip = head.contentLength();
        String path = head.path();
        if (path.startsWith("/bench/config")) {
            if (head.method().equals("POST")) {
                defaults = defaults.overriddenBy(head.headers());
            }
            sendSimple(connection, 200, "{\"pid\":" + ProcessHandle.current().pid() + ",\"shape\":"
                    + defaults.toJson() + ",\"requests\":" + requests + ",\"deltas\":" + deltasSent + "}");
        } else if (!path.startsWith("/v1/messages") || !head.method().equals("POST")) {
            sendSimple(connection, 404, error("not_found_error", "not found"));
        } else if (head.headers().get("x-api-key") == null) {
            sendSimple(connection, 401, error("authentication_error", "x-api-key header is required"));
        } else {
            StreamShape shape;
            try {
                shape = defaults.overriddenBy(head.headers());
            } catch (IllegalArgumentException e) {
                sendSimple(connection, 400, error("invalid_request_error", "bad x-bench-* header"));
                return;
            }
            startStream(connection, shape);
        }
    }

    /** Headers, opening events and the first delta leave in one write (one packet, one syscall). */
    private void startStream(FakeConnection connection, StreamShape shape) throws IOException {
        requests++;
        byte[] head = ClaudeWire.responseHead(requests);
        byte[] opening = ClaudeWire.opening(requests);
        connection.startStream(shape, System.nanoTime());
        if (shape.deltas() == 0) {
            send(connection, ByteBuffer.wrap(head));
            send(connection, ByteBuffer.wrap(opening));
            finishStream(connection);
            return;
        }
        sendDelta(connection, head, opening);
    }

    private void sendDueDeltas(long now) {
        FakeConnection next;
        while ((next = due.peek()) != null && next.dueNanos <= now) {
            due.poll();
            if (!next.closed) {
                try {
                    sendDelta(next, NOTHING, NOTHING);
                } catch (IOException | RuntimeException e) {
                    close(next);
                }
            }
        }
    }

    /** Sends the next delta, after whatever bytes must precede it. */
    private void sendDelta(FakeConnection connection, byte[] before, byte[] alsoBefore) throws IOException {
        int size = connection.shape.size();
        long nanos = System.nanoTime();
        int length = before.length + alsoBefore.length + ClaudeWire.deltaLength(size, nanos);
        if (scratch.capacity() < length) {
            scratch = ByteBuffer.allocate(length);
        }
        scratch.clear();
        scratch.put(before).put(alsoBefore);
        ClaudeWire.putDelta(scratch, size, nanos);
        scratch.flip();
        send(connection, scratch);
        deltasSent++;
        connection.deltasSent++;
        if (connection.deltasSent >= connection.shape.deltas()) {
            finishStream(connection);
        } else {
            connection.scheduleNext();
            due.add(connection);
        }
    }

    private void finishStream(FakeConnection connection) throws IOException {
        send(connection, ByteBuffer.wrap(ClaudeWire.closing(connection.shape.deltas())));
        connection.streaming = false;
        processInput(connection); // a request may already be waiting
    }

    private void sendSimple(FakeConnection connection, int status, String json) throws IOException {
        byte[] body = ClaudeWire.ascii(json);
        String reason = switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 411 -> "Length Required";
            default -> "Request Header Fields Too Large";
        };
        send(connection, ByteBuffer.wrap(ClaudeWire.ascii("HTTP/1.1 " + status + " " + reason
                + "\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\n\r\n")));
        send(connection, ByteBuffer.wrap(body));
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    /** Writes what the socket takes now and keeps the rest, in order, for when it is writable again. */
    private void send(FakeConnection connection, ByteBuffer data) throws IOException {
        if (connection.closed) {
            return;
        }
        if (connection.pending == null) {
            connection.channel.write(data);
            if (!data.hasRemaining()) {
                return;
            }
            connection.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        }
        connection.pending = append(connection.pending, data);
        if (connection.pending.remaining() > MAX_PENDING_BYTES) {
            throw new IOException("client stopped reading");
        }
    }

    private static ByteBuffer append(ByteBuffer pending, ByteBuffer data) {
        int held = pending == null ? 0 : pending.remaining();
        ByteBuffer joined = ByteBuffer.allocate(held + data.remaining());
        if (pending != null) {
            joined.put(pending);
        }
        joined.put(data);
        return joined.flip();
    }

    private void flushPending(FakeConnection connection) throws IOException {
        connection.channel.write(connection.pending);
        if (!connection.pending.hasRemaining()) {
            connection.pending = null;
            connection.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void close(FakeConnection connection) {
        connection.closed = true;
        connection.streaming = false;
        connection.key.cancel();
        try {
            connection.channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
