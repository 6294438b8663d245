package dev.claudesse.fake;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RateControl;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Claude Messages API over TLS on 127.0.0.1 that speaks HTTP/2 (and HTTP/1.1, so that ALPN really
 * chooses): {@code POST /v1/messages} gets the next enqueued {@link Script}, in FIFO order, as
 * {@link FakeClaude} does, with the same request rules, transcripts, pacing and {@link Gate}s. Jetty's
 * HTTP/2 server with a {@link ThrowawayCertificate}; the app trusts it through
 * {@code CLAUDE_SSE_UPSTREAM_CA_FILE = }{@link #certificatePem()}.
 *
 * <p>It sees what HTTP/2 is about: which protocol each request came over and on which connection
 * ({@link #protocolOf}, {@link RecordedRequest#connection()}), the ALPN protocol of each TLS connection
 * ({@link #negotiated()}), and which streams the client reset ({@link #awaitReset}). Each stream is played
 * on a virtual thread of its own.
 */
public final class FakeClaudeH2 implements AutoCloseable {

    /** Streams one client may have open on one connection (Jetty's default is 128). */
    public static final int MAX_CONCURRENT_STREAMS = 100_000;

    private final ThrowawayCertificate certificate;
    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService streams = Executors.newVirtualThreadPerTaskExecutor();
    private final Deque<Script> scripts = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, String> protocols = new ConcurrentHashMap<>();
    private final Map<String, Integer> connectionNumbers = new ConcurrentHashMap<>();
    private final List<String> negotiated = new CopyOnWriteArrayList<>();
    private final Map<String, Throwable> resets = new ConcurrentHashMap<>();
    private final Set<String> completed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger unserved = new AtomicInteger();
    private final AtomicInteger countedResets = new AtomicInteger();
    private volatile boolean strictModels = true;

    private FakeClaudeH2(ThrowawayCertificate certificate) {
        this.certificate = certificate;
        this.server = new Server();
        // Jetty closes a connection that sends more than 128 resets of ended streams a second ("rapid reset"
        // protection); this fake counts those instead of closing, so a test can demand none
        this.connector = TlsH2Connector.create(server, certificate, 0, MAX_CONCURRENT_STREAMS, 1024,
                h2 -> h2.setRateControlFactory(new RateControl.Factory() {
                    @Override
                    public RateControl newRateControl(org.eclipse.jetty.io.EndPoint endPoint) {
                        return event -> {
                            if (event instanceof org.eclipse.jetty.http2.frames.ResetFrame) {
                                countedResets.incrementAndGet();
                            }
                            return true;
                        };
                    }
                }));
        connector.addBean(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                String protocol = event.getSSLEngine().getApplicationProtocol();
                negotiated.add(protocol == null || protocol.isEmpty() ? "(none)" : protocol);
            }
        });
        connector.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof SslConnection) {
                    openConnections.incrementAndGet();
                }
            }

            @Override
            public void onClosed(Connection connection) {
                if (connection instanceof SslConnection) {
                    openConnections.decrementAndGet();
                }
            }
        });
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                streams.execute(() -> serve(request, response, callback));
                return true;
            }
        });
    }

    /** Starts a fake with a new throwaway certificate on a free port of 127.0.0.1. */
    public static FakeClaudeH2 start() {
        return start(ThrowawayCertificate.create());
    }

    public static FakeClaudeH2 start(ThrowawayCertificate certificate) {
        FakeClaudeH2 fake = new FakeClaudeH2(certificate);
        try {
            fake.server.start();
        } catch (Exception e) {
            throw new IllegalStateException("FakeClaudeH2 did not start", e);
        }
        return fake;
    }

    /** For example {@code https://127.0.0.1:41234}, without a trailing slash. */
    public URI baseUrl() {
        return URI.create("https://127.0.0.1:" + connector.getLocalPort());
    }

    /** The fake's certificate as PEM: the value of {@code CLAUDE_SSE_UPSTREAM_CA_FILE}. */
    public Path certificatePem() {
        return certificate.certificatePem();
    }

    public FakeClaudeH2 enqueue(Script script) {
        synchronized (scripts) {
            scripts.add(script);
        }
        return this;
    }

    public FakeClaudeH2 strictModels(boolean strict) {
        this.strictModels = strict;
        return this;
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The protocol a request came over as the server saw it, e.g. {@code HTTP/2.0}. */
    public String protocolOf(RecordedRequest request) {
        return protocols.get(request.requestId());
    }

    /** The ALPN protocol of each TLS connection accepted so far, in order ({@code h2}, {@code http/1.1}). */
    public List<String> negotiated() {
        return List.copyOf(negotiated);
    }

    /** TLS connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** Connections that carried at least one request so far. */
    public int connectionsUsed() {
        return connectionNumbers.size();
    }

    /**
     * RST_STREAM frames that Jetty's HTTP/2 server held against the client's rate, its "rapid reset" protection
     * (by default it closes a connection past 128 a second, with every stream on it): resets of streams that
     * had already ended. A client that resets each finished answer's stream trips it under load.
     */
    public int countedResets() {
        return countedResets.get();
    }

    /** Requests that found no script, or another route. */
    public int unservedRequests() {
        return unserved.get();
    }

    /** Request ids whose stream the client reset (or whose connection failed) before the response ended. */
    public Set<String> resetStreams() {
        return Set.copyOf(resets.keySet());
    }

    /** Request ids whose response the fake sent to its end. */
    public Set<String> completedStreams() {
        return Set.copyOf(completed);
    }

    /** Waits until the client reset the stream of the given request; returns the failure the server saw. */
    public Throwable awaitReset(String requestId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Throwable failure = resets.get(requestId);
            if (failure != null) {
                return failure;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the stream of " + requestId + " was not reset within " + timeout);
    }

    /** Waits until n messages requests arrived; fails the test on timeout. */
    public void awaitRequests(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(requests.size() + " requests reached the fake, expected " + n + " within " + timeout);
            }
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception ignored) {
            // best effort
        }
        streams.shutdownNow();
    }

    private void serve(Request request, Response response, Callback callback) {
        try {
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getLowerCaseName(), k -> new ArrayList<>()).add(field.getValue());
            }
            String target = request.getHttpURI().getPathQuery();
            if (ModelsPage.handles(target)) { // the app reads the list at startup: kept apart from the messages
                String key = headers.containsKey("x-api-key") ? headers.get("x-api-key").get(0) : "";
                play(key.isBlank() ? Script.error(401, "authentication_error", "x-api-key header is required")
                        : ModelsPage.answer(request.getMethod(), target, FakeModel.DEFAULTS), "req_fake_models", response);
                callback.succeeded();
                return;
            }
            String connectionId = request.getConnectionMetaData().getId();
            int connection = connectionNumbers.computeIfAbsent(connectionId, id -> connectionNumbers.size() + 1);
            Script script;
            RecordedRequest recorded;
            synchronized (scripts) {
                String requestId = "req_fake_" + (requests.size() + 1);
                recorded = new RecordedRequest(request.getMethod(), request.getHttpURI().getPath(), headers, body,
                        Instant.now(), requestId, connection);
                script = pickScript(recorded);
                requests.add(recorded);
            }
            String requestId = recorded.requestId();
            protocols.put(requestId, request.getConnectionMetaData().getProtocol());
            request.addFailureListener(failure -> resets.putIfAbsent(requestId, failure));
            play(script, requestId, response);
            completed.add(requestId);
            callback.succeeded();
        } catch (Throwable e) {
            callback.failed(e); // over HTTP/2 the stream is reset; over HTTP/1.1 the connection closes
        }
    }

    private void play(Script script, String requestId, Response response) throws Exception {
        response.setStatus(script.status());
        response.getHeaders().put("request-id", requestId);
        response.getHeaders().put("cache-control", "no-cache");
        for (Map.Entry<String, String> header : script.headers()) {
            response.getHeaders().add(header.getKey(), header.getValue());
        }
        if (!script.streaming()) {
            byte[] json = script.body(requestId);
            response.getHeaders().put("content-type", "application/json");
            write(response, json, true);
            return;
        }
        response.getHeaders().put("content-type", "text/event-stream; charset=utf-8");
        write(response, new byte[0], false); // the headers go out before the first event, as Claude's do
        List<byte[]> parts = script.parts();
        int cut = script.dropAfter() >= 0 ? script.dropAfter() : script.hangAfter();
        int limit = cut >= 0 ? Math.min(cut, parts.size()) : parts.size();
        Gate gate = script.gate();
        for (int i = 0; i < limit; i++) {
            if (i > 0 && !script.delay().isZero()) {
                Thread.sleep(script.delay());
            }
            if (gate != null && i >= script.freeParts() && !gate.awaitPermit(() -> resets.containsKey(requestId))) {
                throw new IOException("the client reset the stream of " + requestId);
            }
            writePart(response, parts.get(i), script.sliceBytes());
            if (gate != null) {
                gate.partSent();
            }
        }
        if (script.dropAfter() >= 0) {
            Thread.sleep(150);
            throw new Dropped();
        }
        if (script.hangAfter() >= 0) {
            while (!resets.containsKey(requestId)) {
                Thread.sleep(20);
            }
            throw new IOException("the client reset the stream of " + requestId);
        }
        write(response, new byte[0], true);
    }

    private static void writePart(Response response, byte[] part, int sliceBytes) throws Exception {
        if (sliceBytes <= 0) {
            write(response, part, false);
            return;
        }
        for (int from = 0; from < part.length; from += sliceBytes) {
            if (from > 0) {
                Thread.sleep(1);
            }
            write(response, java.util.Arrays.copyOfRange(part, from, Math.min(part.length, from + sliceBytes)), false);
        }
    }

    /** Writes and waits until the bytes were taken by the connection (HTTP/2 flow control included). */
    private static void write(Response response, byte[] bytes, boolean last) throws Exception {
        FutureCallback done = new FutureCallback();
        response.write(last, ByteBuffer.wrap(bytes), done);
        done.get(60, TimeUnit.SECONDS);
    }

    private Script pickScript(RecordedRequest request) {
        if (!"POST".equals(request.method()) || !"/v1/messages".equals(request.path())) {
            unserved.incrementAndGet();
            return Script.error(404, "not_found_error", "The fake only serves POST /v1/messages, not "
                    + request.method() + " " + request.path());
        }
        String key = request.header("x-api-key");
        if (key == null || key.isBlank()) {
            return Script.error(401, "authentication_error", "x-api-key header is required");
        }
        var refusal = RequestRules.check(request.body(), strictModels);
        if (refusal.isPresent()) {
            RequestRules.Refusal r = refusal.get();
            return Script.error(r.status(), r.type(), r.message());
        }
        Script script = scripts.poll();
        if (script == null) {
            unserved.incrementAndGet();
            return Script.error(500, "api_error", "FakeClaudeH2: no script enqueued for this request");
        }
        return script;
    }

    /** A script's dropAfter: the stream ends without its end, as a failed connection would end it. */
    private static final class Dropped extends IOException {
        Dropped() {
            super("dropped by the script");
        }
    }
}
