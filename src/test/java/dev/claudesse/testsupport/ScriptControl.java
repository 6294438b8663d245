package dev.claudesse.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.RecordedRequest;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * Lets JavaScript tests (Node, or a page driven in Chromium) script the fake Claude from outside the JVM,
 * over a small JSON API on 127.0.0.1:
 * <ul>
 * <li>POST /enqueue {transcript | text: [deltas] | error: {status, type, message}} plus the Script
 *     options gate, freeParts, delayMs, splitEvery, dropAfter, hangAfter, headers: {name: value}</li>
 * <li>POST /gates/{name}/release?n=1, POST /gates/{name}/open, GET /gates/{name} gives {sent}</li>
 * <li>GET /facts/{transcript} gives {text, stopReason}: what a correct client must show</li>
 * <li>GET /saved?owner=..&amp;messageId=.. gives {text, status}: what the store kept (waits up to 5 s)</li>
 * <li>GET /requests gives the JSON bodies of the POSTs the fake received (the calls to Claude), oldest
 *     first; GET /requests/last only the newest (404 when none)</li>
 * <li>GET /closed waits (up to 10 s) until the app closed the newest streaming call to Claude and gives
 *     {closedAt} in epoch milliseconds: when Claude would have seen its request cancelled</li>
 * </ul>
 */
public final class ScriptControl implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAVE_WAIT = Duration.ofSeconds(5);

    private final HttpServer server;
    private final FakeClaude fake;
    private final BiFunction<String, String, Optional<Map<String, Object>>> saved;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    private ScriptControl(HttpServer server, FakeClaude fake,
                          BiFunction<String, String, Optional<Map<String, Object>>> saved) {
        this.server = server;
        this.fake = fake;
        this.saved = saved;
    }

    /** saved: (owner, messageId) to the stored answer's fields, empty while it is not stored. */
    public static ScriptControl start(FakeClaude fake, BiFunction<String, String, Optional<Map<String, Object>>> saved) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ScriptControl control = new ScriptControl(server, fake, saved);
            server.createContext("/", control::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return control;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] path = exchange.getRequestURI().getPath().substring(1).split("/");
            String method = exchange.getRequestMethod();
            Object answer = switch (path[0]) {
                case "enqueue" -> enqueue(JSON.readTree(exchange.getRequestBody()));
                case "clear" -> clear();
                case "gates" -> gate(method, path, query(exchange));
                case "facts" -> facts(path[1]);
                case "saved" -> saved(query(exchange));
                case "requests" -> requests(path.length > 1 && "last".equals(path[1]));
                case "closed" -> Map.of("closedAt", fake.awaitClientClose(Duration.ofSeconds(10)).toEpochMilli());
                default -> throw new IllegalArgumentException("no such control: " + exchange.getRequestURI());
            };
            reply(exchange, answer == null ? 404 : 200, answer == null ? Map.of("error", "not found") : answer);
        } catch (RuntimeException | AssertionError | InterruptedException e) {
            reply(exchange, 400, Map.of("error", String.valueOf(e)));
        }
    }

    private Map<String, Object> clear() {
        fake.clearScripts();
        return Map.of("cleared", true);
    }

    private Map<String, Object> enqueue(JsonNode spec) {
        Script script;
        if (spec.has("transcript")) {
            script = Script.transcript(spec.get("transcript").asText());
        } else if (spec.has("text")) {
            script = Script.sse(ClaudeText.stream(spec.get("text"), spec.path("inputTokens").asInt(10),
                    spec.path("outputTokens").asInt(20)));
        } else if (spec.has("error")) {
            JsonNode e = spec.get("error");
            script = Script.error(e.path("status").asInt(500), e.path("type").asText("api_error"),
                    e.path("message").asText("error"));
        } else {
            throw new IllegalArgumentException("enqueue needs transcript, text or error");
        }
        if (spec.has("gate")) {
            Gate gate = new Gate();
            gates.put(spec.get("gate").asText(), gate);
            script.gated(gate, spec.path("freeParts").asInt(1));
        }
        if (spec.has("delayMs")) {
            script.delay(Duration.ofMillis(spec.get("delayMs").asLong()));
        }
        if (spec.has("splitEvery")) {
            script.splitEvery(spec.get("splitEvery").asInt());
        }
        if (spec.has("dropAfter")) {
            script.dropAfter(spec.get("dropAfter").asInt());
        }
        if (spec.has("hangAfter")) {
            script.hangAfter(spec.get("hangAfter").asInt());
        }
        for (Map.Entry<String, JsonNode> header : spec.path("headers").properties()) {
            script.header(header.getKey(), header.getValue().asText());
        }
        fake.enqueue(script);
        return Map.of("parts", script.partCount());
    }

    private Map<String, Object> gate(String method, String[] path, Map<String, String> query) {
        Gate gate = gates.get(path[1]);
        if (gate == null) {
            return null;
        }
        if ("POST".equals(method) && path.length > 2) {
            switch (path[2]) {
                case "release" -> gate.release(Integer.parseInt(query.getOrDefault("n", "1")));
                case "open" -> gate.open();
                default -> throw new IllegalArgumentException("gates/{name}/release or /open");
            }
        }
        return Map.of("sent", gate.sent());
    }

    private static Map<String, Object> facts(String transcript) {
        TranscriptFacts facts = TranscriptFacts.of(transcript);
        Map<String, Object> out = new HashMap<>();
        out.put("text", facts.text());
        out.put("stopReason", facts.stopReason());
        out.put("thinking", facts.thinking());
        return out;
    }

    private Object saved(Map<String, String> query) throws InterruptedException {
        long deadline = System.nanoTime() + SAVE_WAIT.toNanos();
        while (true) {
            Optional<Map<String, Object>> found = saved.apply(query.get("owner"), query.get("messageId"));
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found.orElse(null);
            }
            Thread.sleep(50);
        }
    }

    private Object requests(boolean lastOnly) {
        List<JsonNode> bodies = new ArrayList<>();
        for (RecordedRequest request : fake.requests()) {
            if (!"POST".equals(request.method())) {
                continue;
            }
            try {
                bodies.add(request.body() == null || request.body().isBlank() ? JSON.getNodeFactory().nullNode() : JSON.readTree(request.body()));
            } catch (IOException e) {
                bodies.add(JSON.getNodeFactory().textNode(request.body()));
            }
        }
        return !lastOnly ? bodies : bodies.isEmpty() ? null : bodies.get(bodies.size() - 1);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Claude's streaming wire format for a plain text answer given as its deltas. */
    static final class ClaudeText {

        private ClaudeText() {
        }

        static String stream(JsonNode deltas, int inputTokens, int outputTokens) {
            StringBuilder out = new StringBuilder();
            ObjectNode start = JSON.createObjectNode().put("type", "message_start");
            ObjectNode message = start.putObject("message").put("id", "msg_01FakeScripted").put("type", "message")
                    .put("role", "assistant").put("model", "claude-sonnet-4-5-20250929");
            message.putArray("content");
            message.putNull("stop_reason");
            message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 1);
            event(out, "message_start", start);
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
            blockStart.putObject("content_block").put("type", "text").put("text", "");
            event(out, "content_block_start", blockStart);
            for (JsonNode delta : deltas) {
                ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
                d.putObject("delta").put("type", "text_delta").put("text", delta.asText());
                event(out, "content_block_delta", d);
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
            ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
            end.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
            end.putObject("usage").put("output_tokens", outputTokens);
            event(out, "message_delta", end);
            event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
            return out.toString();
        }

        private static void event(StringBuilder out, String type, ObjectNode data) {
            try {
                out.append("event: ").append(type).append("\ndata: ").append(JSON.writeValueAsString(data)).append("\n\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
