package dev.claudesse.bench;

import dev.claudesse.fake.ThrowawayCertificate;
import dev.claudesse.fake.TlsH2Connector;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * BenchClaude over TLS with HTTP/2 (issue 16), as its own process: the same answers as {@link BenchClaude}
 * (message_start, N text deltas carrying {@code ⏱<System.nanoTime()>;}, message_delta, message_stop, at a
 * fixed interval) on Jetty's HTTP/2 server with a {@link ThrowawayCertificate}, so the app multiplexes its
 * answers as streams over a few connections. The deltas are paced by one scheduler thread and written
 * without blocking, so 16,000 streams hold no thread each.
 *
 * <pre>java -cp ... dev.claudesse.bench.BenchClaudeH2 [--port 0] [--tls-port 0] [--deltas 10] [--size 48] [--interval-ms 100]</pre>
 *
 * Prints {@code BenchClaude listening on 127.0.0.1:<port>} for the control port (plain HTTP/1.1, where the
 * load client's {@code POST /bench/config} goes) and {@code BenchClaudeH2 tls 127.0.0.1:<port> cert <pem>}
 * for the app: its {@code ANTHROPIC_BASE_URL} and {@code CLAUDE_SSE_UPSTREAM_CA_FILE}.
 */
public final class BenchClaudeH2 {

    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-h2-clock");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong deltasSent = new AtomicLong();
    private final AtomicLong failedStreams = new AtomicLong();
    private final AtomicInteger tlsConnections = new AtomicInteger();
    private final AtomicInteger peakTlsConnections = new AtomicInteger();
    private volatile StreamShape defaults;

    private BenchClaudeH2(StreamShape defaults) {
        this.defaults = defaults;
    }

    public static void main(String[] args) throws Exception {
        Args options = new Args(args);
        StreamShape shape = new StreamShape(options.integer("--deltas", 10), options.integer("--size", 48),
                options.integer("--interval-ms", 100));
        BenchClaudeH2 fake = new BenchClaudeH2(shape);
        ThrowawayCertificate certificate = ThrowawayCertificate.create();
        Server server = new Server();
        ServerConnector control = new ServerConnector(server, 1, 1, new HttpConnectionFactory());
        control.setHost("127.0.0.1");
        control.setPort(options.integer("--port", 0));
        ServerConnector tls = fake.tlsConnector(server, certificate, options.integer("--tls-port", 0));
        server.addConnector(control);
        server.addConnector(tls);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return fake.handle(request, response, callback);
            }
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
                "BenchClaudeH2 stopping: %d requests, %d deltas, %d failed streams, peak %d TLS connections, cpu %.1f ms%n",
                fake.requests.get(), fake.deltasSent.get(), fake.failedStreams.get(), fake.peakTlsConnections.get(),
                ProcStats.cpuNanos(ProcessHandle.current().pid()) / 1e6)));
        System.out.println("BenchClaude listening on 127.0.0.1:" + control.getLocalPort() + " " + shape.toJson());
        System.out.println("BenchClaudeH2 tls 127.0.0.1:" + tls.getLocalPort() + " cert " + certificate.certificatePem());
        System.out.flush();
        server.join();
    }

    private ServerConnector tlsConnector(Server server, ThrowawayCertificate certificate, int port) {
        ServerConnector connector = TlsH2Connector.create(server, certificate, port, 100_000, 4096, h2 -> { });
        connector.addBean(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                if (connection instanceof SslConnection) {
                    peakTlsConnections.accumulateAndGet(tlsConnections.incrementAndGet(), Math::max);
                }
            }

            @Override
            public void onClosed(Connection connection) {
                if (connection instanceof SslConnection) {
                    tlsConnections.decrementAndGet();
                }
                if (connection instanceof org.eclipse.jetty.http2.HTTP2Connection h2c
                        && !h2c.getSession().getStreams().isEmpty()) {
                    System.out.println("BenchClaudeH2: an HTTP/2 connection closed with "
                            + h2c.getSession().getStreams().size() + " streams open: " + h2c.getSession());
                }
            }
        });
        return connector;
    }

    private boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.put(field.getLowerCaseName(), field.getValue());
        }
        try {
            Content.Source.asString(request, StandardCharsets.UTF_8); // the question: read and forgotten
        } catch (java.io.IOException e) {
            callback.failed(e);
            return true;
        }
        if (path.startsWith("/bench/config")) {
            if ("POST".equals(request.getMethod())) {
                defaults = defaults.overriddenBy(headers);
            }
            simple(response, callback, 200, "{\"pid\":" + ProcessHandle.current().pid() + ",\"shape\":"
                    + defaults.toJson() + ",\"requests\":" + requests.get() + ",\"deltas\":" + deltasSent.get()
                    + ",\"tlsConnections\":" + tlsConnections.get() + "}");
        } else if (!path.startsWith("/v1/messages") || !"POST".equals(request.getMethod())) {
            simple(response, callback, 404, error("not_found_error", "not found"));
        } else if (headers.get("x-api-key") == null) {
            simple(response, callback, 401, error("authentication_error", "x-api-key header is required"));
        } else {
            new Stream(request, response, callback, defaults.overriddenBy(headers), requests.incrementAndGet()).begin();
        }
        return true;
    }

    private static void simple(Response response, Callback callback, int status, String json) {
        response.setStatus(status);
        response.getHeaders().put("content-type", "application/json");
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static String error(String type, String message) {
        return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    /** One answer: each write's completion schedules the next delta on the clock. */
    private final class Stream {
        private final Response response;
        private final Callback done;
        private final StreamShape shape;
        private final long number;
        private int sent;

        Stream(Request request, Response response, Callback done, StreamShape shape, long number) {
            this.response = response;
            this.done = done;
            this.shape = shape;
            this.number = number;
        }

        void begin() {
            response.setStatus(200);
            response.getHeaders().put("content-type", "text/event-stream; charset=utf-8");
            response.getHeaders().put("cache-control", "no-cache");
            response.getHeaders().put("request-id", "req_bench_" + number);
            String opening = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
                    + "\"id\":\"msg_bench_" + number + "\",\"type\":\"message\",\"role\":\"assistant\","
                    + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":8,\"cache_creation_input_tokens\":0,"
                    + "\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
            next(opening);
        }

        /** Writes what precedes plus the next delta, or the closing events when all deltas went out. */
        private void next(String before) {
            if (sent >= shape.deltas()) {
                String closing = before + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + shape.deltas() + "}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
                response.write(true, ByteBuffer.wrap(closing.getBytes(StandardCharsets.UTF_8)), done);
                return;
            }
            sent++;
            byte[] bytes = (before + delta(shape.size(), System.nanoTime())).getBytes(StandardCharsets.UTF_8);
            response.write(false, ByteBuffer.wrap(bytes), Callback.from(() -> {
                deltasSent.incrementAndGet();
                clock.schedule(() -> next(""), shape.intervalMillis(), TimeUnit.MILLISECONDS);
            }, failure -> {
                failedStreams.incrementAndGet();
                done.failed(failure);
            }));
        }
    }

    /** One content_block_delta whose text is the send time, padded with x to the size. */
    static String delta(int size, long nanos) {
        StringBuilder text = new StringBuilder("\u23f1").append(nanos).append(';');
        int bytes = text.length() + 2; // the mark is one char of three UTF-8 bytes, the rest ASCII
        for (int i = bytes; i < size; i++) {
            text.append('x');
        }
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
    }
}
