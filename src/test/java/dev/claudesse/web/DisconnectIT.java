package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.protocol.EventStreamParser;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.Dechunker;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browsers that stall, leave, or outlive the server. */
class DisconnectIT {

    static final Duration T = Duration.ofSeconds(15);
    FakeClaude fake;

    @BeforeEach
    void startFake() {
        fake = FakeClaude.start();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    private EmbeddedApp app(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "ANTHROPIC_API_KEY", "sk-test", "ANTHROPIC_BASE_URL", fake.baseUrl().toString()));
        settings.putAll(extra);
        return EmbeddedApp.start(0, settings);
    }

    /** About 2 MB of text in 400 deltas: far more than socket buffers hold. */
    private static Script bigAnswer() {
        StringBuilder sse = new StringBuilder("event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
                + "{\"id\":\"msg_big\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[],\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n");
        String piece = "x".repeat(5000);
        for (int i = 0; i < 400; i++) {
            sse.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"").append(piece).append("\"}}\n\n");
        }
        sse.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":500000}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return Script.sse(sse.toString());
    }

    /** A browser with a small receive buffer that sends a chat POST and does not read the answer (yet). */
    private static Socket postWithoutReading(EmbeddedApp app) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()));
        byte[] body = "{\"message\":\"big\"}".getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close"
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return socket;
    }

    @Test
    void aBrowserThatStopsReadingStallsNeitherClaudeNorOtherBrowsers() throws Exception {
        try (EmbeddedApp app = app(Map.of())) {
            Gate gate = new Gate();
            Script big = bigAnswer().gated(gate, 0);
            fake.enqueue(big);
            try (Socket stalled = postWithoutReading(app)) {
                // never read: the app's writes to this browser block once the buffers fill
                gate.open();
                gate.awaitSent(big.partCount(), T); // Claude's whole answer was read all the same

                fake.enqueue(Script.transcript("plain_text"));
                try (EventStreamReader other = new Browser(app.baseUri()).chat("{\"message\":\"hi\"}")) {
                    List<Event> events = other.readToEnd(T);
                    assertEquals("done", last(events).type());
                }
            }
        }
    }

    @Test
    void aBrowserThatStallsAndThenReadsGetsEveryEventInOrder() throws Exception {
        try (EmbeddedApp app = app(Map.of())) {
            Gate gate = new Gate();
            Script big = bigAnswer().gated(gate, 0);
            fake.enqueue(big);
            try (Socket stalled = postWithoutReading(app)) {
                gate.open();
                gate.awaitSent(big.partCount(), T); // the app read all of Claude's answer while we did not read

                // now read: the rest comes from the log as the container finds the socket writable again
                stalled.setSoTimeout((int) T.toMillis());
                List<String> types = new ArrayList<>();
                StringBuilder ids = new StringBuilder();
                long[] textLength = {0};
                EventStreamParser parser = new EventStreamParser((type, data, id) -> {
                    types.add(type);
                    ids.append(id).append(' ');
                    if (type.equals("chunk")) {
                        textLength[0] += json(data).path("text").asText().length();
                    }
                });
                Dechunker.readBody(stalled.getInputStream(), parser::feed);
                assertEquals("done", types.get(types.size() - 1), types.toString());
                assertEquals(400, types.stream().filter("chunk"::equals).count());
                assertEquals(400L * 5000, textLength[0]);
                StringBuilder expected = new StringBuilder();
                for (int id = 1; id <= types.size(); id++) {
                    expected.append(id).append(' ');
                }
                assertEquals(expected.toString(), ids.toString(), "ids in order, none missing");
            }
        }
    }

    @Test
    void withTheSettingAnAnswerNobodyFollowsIsStoppedAfterTheGracePeriod() throws Exception {
        try (EmbeddedApp app = app(Map.of("CLAUDE_SSE_CANCEL_AFTER_DISCONNECT_SECONDS", "1",
                "CLAUDE_SSE_PING_SECONDS", "1"))) {
            Gate gate = new Gate();
            fake.enqueue(Script.transcript("long_text").gated(gate, 2));
            Browser browser = new Browser(app.baseUri());
            String messageId;
            try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
                messageId = json(stream.nextNonPing(T)).path("messageId").asText();
                gate.release();
                assertEquals("chunk", stream.nextNonPing(T).type());
            }
            // the ping finds the browser gone; after the grace period the app gives up on Claude by itself
            fake.awaitClientClose(Duration.ofSeconds(6));
            try (EventStreamReader resumed = browser.resume(messageId, 0)) {
                JsonNode done = json(last(resumed.readToEnd(T)));
                assertEquals("stopped", done.path("stopReason").asText());
            }
        }
    }

    @Test
    void byDefaultAnAnswerRunsToTheEndWithoutBrowsers() throws Exception {
        try (EmbeddedApp app = app(Map.of())) {
            Gate gate = new Gate();
            Script script = Script.transcript("long_text").gated(gate, 2);
            fake.enqueue(script);
            Browser browser = new Browser(app.baseUri());
            String messageId;
            try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
                messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            }
            Thread.sleep(1500);
            gate.open();
            gate.awaitSent(script.partCount(), T);
            try (EventStreamReader resumed = browser.resume(messageId, 0)) {
                List<Event> events = resumed.readToEnd(T);
                assertEquals("done", last(events).type());
                assertEquals(dev.claudesse.fake.TranscriptFacts.of("long_text").text(), text(events));
            }
        }
    }

    @Test
    void shuttingDownEndsEveryOpenStreamWithARetryableError() throws Exception {
        EmbeddedApp app = app(Map.of());
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = new Browser(app.baseUri()).chat("{\"message\":\"hi\"}")) {
            stream.nextNonPing(T);
            gate.release();
            assertEquals("chunk", stream.nextNonPing(T).type());
            Thread closer = Thread.ofVirtual().start(() -> {
                try {
                    app.close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            List<Event> rest = stream.readToEnd(T);
            JsonNode error = json(last(rest));
            assertEquals("error", last(rest).type(), rest.toString());
            assertEquals("shutdown", error.path("type").asText());
            assertTrue(error.path("retryable").asBoolean());
            closer.join(T);
        }
    }
}
