package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaudeH2;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.RecordedRequest;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.only;
import static dev.claudesse.testsupport.Events.text;
import static dev.claudesse.testsupport.Events.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: with an https base URL the app's calls to Claude go over HTTP/2, answers share few upstream
 * connections as streams, and a stop resets its own stream only. Against {@link FakeClaudeH2} (TLS with a
 * throwaway certificate that the app trusts through CLAUDE_SSE_UPSTREAM_CA_FILE).
 */
class Http2UpstreamIT {

    static final String KEY = "sk-ant-test-h2";
    static final Duration T = Duration.ofSeconds(20);
    /** The app builds one HttpClient per core; each keeps one HTTP/2 connection, give or take a race at the start. */
    static final int CLIENTS = Runtime.getRuntime().availableProcessors();

    static FakeClaudeH2 fake;
    static EmbeddedApp app;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaudeH2.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_UPSTREAM_CA_FILE", fake.certificatePem().toString(),
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "1000"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void answersComeOverHttp2NegotiatedByAlpnAndStreamExactly() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        fake.enqueue(Script.transcript("plain_text"));
        List<Event> events;
        try (EventStreamReader stream = new Browser(app.baseUri()).chat("{\"message\":\"over h2\"}")) {
            assertEquals(200, stream.status());
            events = stream.readToEnd(T);
        }
        assertEquals(List.of("cost", "done"), types(events).subList(types(events).size() - 2, types(events).size()));
        assertEquals(facts.text(), text(events));
        JsonNode cost = json(only(events, "cost"));
        assertEquals(facts.usage().inputTokens(), cost.path("inputTokens").asLong());
        assertEquals(facts.usage().outputTokens(), cost.path("outputTokens").asLong());
        assertFalse(cost.path("estimated").asBoolean());
        assertEquals(facts.stopReason(), json(last(events)).path("stopReason").asText());

        RecordedRequest request = requestWith("over h2");
        assertEquals("HTTP/2.0", fake.protocolOf(request));
        assertEquals(KEY, request.header("x-api-key"));
        assertFalse(fake.negotiated().isEmpty());
        assertTrue(fake.negotiated().stream().allMatch("h2"::equals),
                "every TLS connection chose h2 by ALPN (the fake offers http/1.1 too): " + fake.negotiated());
    }

    @Test
    void twoHundredAnswersHeldOpenShareFewUpstreamConnections() throws Exception {
        int n = 200;
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        List<Gate> gates = new ArrayList<>();
        List<EventStreamReader> streams = new ArrayList<>();
        int before = fake.requests().size();
        int resetsBefore = fake.countedResets();
        try {
            for (int i = 0; i < n; i++) {
                Gate gate = new Gate();
                gates.add(gate);
                fake.enqueue(Script.transcript("plain_text").gated(gate, 2));
            }
            for (int i = 0; i < n; i++) {
                streams.add(new Browser(app.baseUri()).chat("{\"message\":\"many " + i + "\"}"));
            }
            fake.awaitRequests(before + n, T);
            for (Gate gate : gates) {
                gate.awaitSent(2, T);
            }
            // all 200 are streaming from the fake at once: count the connections they came on
            List<RecordedRequest> held = fake.requests().subList(before, before + n);
            Set<Integer> connections = new TreeSet<>();
            held.forEach(r -> connections.add(r.connection()));
            assertTrue(held.stream().allMatch(r -> "HTTP/2.0".equals(fake.protocolOf(r))));
            assertTrue(connections.size() <= 2 * CLIENTS,
                    n + " answers came on " + connections.size() + " connections, expected at most " + 2 * CLIENTS);
            assertTrue(fake.openConnections() <= 2 * CLIENTS, "open TLS connections: " + fake.openConnections());
            System.out.println("Http2UpstreamIT: " + n + " held answers on " + connections.size()
                    + " upstream connections; " + fake.openConnections() + " open; " + CLIENTS + " HttpClients");
            gates.forEach(Gate::open);
            for (EventStreamReader stream : streams) {
                List<Event> events = stream.readToEnd(T);
                assertEquals("done", last(events).type(), events.toString());
                assertEquals(facts.text(), text(events));
            }
            Thread.sleep(200); // a reset would follow the end
            assertEquals(0, fake.countedResets() - resetsBefore,
                    "the app reset streams that had ended: a server's rapid-reset protection counts those");
        } finally {
            gates.forEach(Gate::open);
            for (EventStreamReader stream : streams) {
                stream.close();
            }
        }
    }

    @Test
    void aStopResetsOnlyItsOwnStream() throws Exception {
        int n = 4;
        TranscriptFacts facts = TranscriptFacts.of("long_text");
        List<Gate> gates = new ArrayList<>();
        List<EventStreamReader> streams = new ArrayList<>();
        List<String> messageIds = new ArrayList<>();
        int before = fake.requests().size();
        Browser browser = new Browser(app.baseUri());
        try {
            for (int i = 0; i < n; i++) {
                Gate gate = new Gate();
                gates.add(gate);
                fake.enqueue(Script.transcript("long_text").gated(gate, 2));
            }
            for (int i = 0; i < n; i++) {
                EventStreamReader stream = browser.chat("{\"message\":\"stop test " + i + "\"}");
                streams.add(stream);
                messageIds.add(json(stream.nextNonPing(T)).path("messageId").asText());
            }
            fake.awaitRequests(before + n, T);
            List<String> requestIds = new ArrayList<>();
            List<Integer> connections = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RecordedRequest request = requestWith("stop test " + i);
                requestIds.add(request.requestId());
                connections.add(request.connection());
                gates.get(i).release(3);
            }
            for (EventStreamReader stream : streams) {
                for (int c = 0; c < 3; c++) {
                    assertEquals("chunk", stream.nextNonPing(T).type());
                }
            }
            // stop the first answer: only its stream is reset, its connection carries the others on
            assertEquals(200, browser.stop(messageIds.get(0)).statusCode());
            Throwable reset = fake.awaitReset(requestIds.get(0), T);
            List<Event> stopped = streams.get(0).readToEnd(T);
            assertEquals("stopped", json(last(stopped)).path("stopReason").asText(), stopped.toString());
            for (int i = 1; i < n; i++) {
                gates.get(i).open();
            }
            for (int i = 1; i < n; i++) {
                List<Event> rest = streams.get(i).readToEnd(T);
                assertEquals("done", last(rest).type(), rest.toString());
                assertEquals(facts.stopReason(), json(last(rest)).path("stopReason").asText());
            }
            for (int i = 1; i < n; i++) {
                assertFalse(fake.resetStreams().contains(requestIds.get(i)), "stream " + i + " was reset too");
                assertTrue(fake.completedStreams().contains(requestIds.get(i)), "stream " + i + " did not end");
            }
            assertFalse(fake.completedStreams().contains(requestIds.get(0)));
            assertTrue(connections.subList(1, n).contains(connections.get(0)),
                    "another answer shared the stopped one's connection: " + connections);
            System.out.println("Http2UpstreamIT: stop reset " + requestIds.get(0) + " (" + reset
                    + "); connections " + connections);
        } finally {
            gates.forEach(Gate::open);
            for (EventStreamReader stream : streams) {
                stream.close();
            }
        }
    }

    private static RecordedRequest requestWith(String message) {
        return fake.requests().stream().filter(r -> r.body().contains("\"" + message + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no request with " + message));
    }
}
