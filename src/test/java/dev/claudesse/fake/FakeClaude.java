package dev.claudesse.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Claude Messages API over real HTTP/1.1 on 127.0.0.1: {@code POST /v1/messages} gets the next
 * enqueued {@link Script}, in FIFO order, one per request. Plain sockets (not an HTTP server library)
 * so it can reset connections and see exactly when the client closes one.
 *
 * <p>It speaks Claude as of 2026-11-30: a messages body Claude would refuse (a retired model, a thinking
 * shape or sampling value the model does not take, ...; see {@link RequestRules}) is answered with
 * Claude's error and takes no script. {@code GET /v1/models} lists {@link #models(List) a settable list}
 * and is kept apart from the messages requests, so an app that reads it at startup disturbs no test.
 *
 * <pre>{@code
 * try (FakeClaude claude = FakeClaude.start()) {
 *     claude.enqueue(Script.transcript("plain_text"));
 *     // point the client at claude.baseUrl() ...
 * }
 * }</pre>
 */
public final class FakeClaude implements AutoCloseable {

    private final ServerSocket serverSocket;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Deque<Script> scripts = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private final Set<FakeConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicInteger unserved = new AtomicInteger();
    private final List<RefusedRequest> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger modelsRequests = new AtomicInteger();
    private volatile List<FakeModel> models = FakeModel.DEFAULTS;
    private volatile boolean strictModels = true;
    private final Object streamLock = new Object();
    private FakeConnection lastStreamConnection;
    private volatile boolean closed;

    private FakeClaude(ServerSocket serverSocket) {
        this.serverSocket = serverSocket;
    }

    /** Starts a fake on a free port of 127.0.0.1. */
    public static FakeClaude start() {
        try {
            ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FakeClaude fake = new FakeClaude(socket);
            fake.threads.submit(fake::acceptLoop);
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For example {@code http://127.0.0.1:41234}, without a trailing slash. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + serverSocket.getLocalPort());
    }

    /** Adds the answer to a future request; answers go out in the order they were enqueued. */
    public FakeClaude enqueue(Script script) {
        synchronized (scripts) {
            scripts.add(script);
        }
        return this;
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The next request not yet taken; fails the test if none arrives within the timeout. */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        RecordedRequest request = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the fake within " + timeout);
        }
        return request;
    }

    /**
     * Sets the list {@code GET /v1/models} serves, in the order given (Claude lists newest first).
     * {@link FakeModel#DEFAULTS} until set.
     */
    public FakeClaude models(List<FakeModel> models) {
        this.models = List.copyOf(models);
        return this;
    }

    /** How many requests reached {@code /v1/models} (refused ones too); they are not in {@link #requests()}. */
    public int modelsRequests() {
        return modelsRequests.get();
    }

    /**
     * When true (the default), a messages request without a model or for a retired one is refused as
     * Claude refuses it today (404 {@code model: <id>}). False lets old model ids through, for tests
     * about something else; every other request rule still applies.
     */
    public FakeClaude strictModels(boolean strict) {
        this.strictModels = strict;
        return this;
    }

    /** Messages requests refused by the request rules, in arrival order; each is in {@link #requests()} too. */
    public List<RefusedRequest> refusedRequests() {
        return List.copyOf(refused);
    }

    /** Requests that found no script (answered 500) or used another route (answered 404). */
    public int unservedRequests() {
        return unserved.get();
    }

    /** Forgets scripts no request used, e.g. after an answer stopped before it called Claude. */
    public void clearScripts() {
        synchronized (scripts) {
            scripts.clear();
        }
    }

    /** Scripts enqueued but not yet used. */
    public int pendingScripts() {
        synchronized (scripts) {
            return scripts.size();
        }
    }

    /**
     * When the fake noticed that the client closed the connection of the most recent streaming
     * response (end of stream, a reset, or a failed write). Closes by the fake itself do not count.
     * After a complete response the client may keep the connection for reuse: then this waits.
     * Waits for the streaming request too if it has not arrived yet; fails the test on timeout.
     */
    public Instant awaitClientClose(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        FakeConnection connection;
        synchronized (streamLock) {
            while ((connection = lastStreamConnection) == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no streaming response was started within " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(streamLock, left);
            }
        }
        return connection.awaitClientClose(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Stops listening and closes every connection at once. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
        connections.forEach(FakeConnection::close);
        threads.shutdownNow();
    }

    /** Called by a connection's reader for each complete request: records it and picks its script. */
    FakeConnection.Exchange arrived(String method, String path, Map<String, List<String>> headers, String body,
                                    FakeConnection connection) {
        if (ModelsPage.handles(path)) {
            return modelsExchange(method, path, headers, body, connection);
        }
        Script script;
        RecordedRequest request;
        synchronized (scripts) {
            String requestId = "req_fake_" + (requests.size() + 1);
            request = new RecordedRequest(method, path, headers, body, Instant.now(), requestId, connection.number());
            script = pickScript(request);
            requests.add(request);
        }
        untaken.add(request);
        if (script.streaming()) {
            synchronized (streamLock) {
                lastStreamConnection = connection;
                streamLock.notifyAll();
            }
        }
        return new FakeConnection.Exchange(request, script);
    }

    /** The Models API needs the key like Claude's; its requests have their own count and ids. */
    private FakeConnection.Exchange modelsExchange(String method, String path, Map<String, List<String>> headers,
                                                   String body, FakeConnection connection) {
        String requestId = "req_fake_models_" + modelsRequests.incrementAndGet();
        RecordedRequest request = new RecordedRequest(method, path, headers, body, Instant.now(), requestId,
                connection.number());
        String key = request.header("x-api-key");
        Script script = key == null || key.isBlank()
                ? Script.error(401, "authentication_error", "x-api-key header is required")
                : ModelsPage.answer(method, path, models);
        return new FakeConnection.Exchange(request, script);
    }

    private Script pickScript(RecordedRequest request) {
        String method = request.method();
        String path = request.path();
        if (!"POST".equals(method) || !"/v1/messages".equals(path)) {
            unserved.incrementAndGet();
            return Script.error(404, "not_found_error", "The fake only serves POST /v1/messages, not " + method + " " + path);
        }
        // Checked before a script is taken: a refused request leaves the queue as it was, as Claude would.
        var refusal = RequestRules.check(request.body(), strictModels);
        if (refusal.isPresent()) {
            RequestRules.Refusal r = refusal.get();
            refused.add(new RefusedRequest(request, r.status(), r.type(), r.message()));
            return Script.error(r.status(), r.type(), r.message());
        }
        Script script = scripts.poll();
        if (script == null) {
            unserved.incrementAndGet();
            return Script.error(500, "api_error", "FakeClaude: no script enqueued for this request");
        }
        return script;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                FakeConnection connection = new FakeConnection(socket, connectionCount.incrementAndGet(), this);
                connections.add(connection);
                try {
                    threads.submit(() -> {
                        try {
                            connection.serve();
                        } finally {
                            connections.remove(connection);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    connection.close(); // The fake closed meanwhile.
                }
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("FakeClaude: accept failed: " + e);
                }
            }
        }
    }
}
