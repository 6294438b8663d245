package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.RecordedRequest;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.ResumeScenario;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.joined;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.only;
import static dev.claudesse.testsupport.Events.text;
import static dev.claudesse.testsupport.Events.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming engine on a real embedded Tomcat, against a fake Claude over real sockets. */
class ChatStreamIT {

    static final String KEY = "sk-ant-test-SECRET-4242";
    static final Duration T = Duration.ofSeconds(10);

    static FakeClaude fake;
    static EmbeddedApp app;
    static LogCapture logs;
    Browser browser;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install();
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_PING_SECONDS", "1",
                "CLAUDE_SSE_UPSTREAM_IDLE_SECONDS", "3",
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        fake.close();
        assertFalse(logs.text().contains(KEY), "the API key appeared in the logs");
        logs.uninstall();
    }

    @BeforeEach
    void newBrowser() {
        browser = new Browser(app.baseUri());
    }

    private List<Event> chatToEnd(String body) throws Exception {
        try (EventStreamReader stream = browser.chat(body)) {
            assertEquals(200, stream.status());
            return stream.readToEnd(T);
        }
    }

    @Test
    void headersAreThoseOfAnUnbufferedEventStreamAndComeBeforeClaudeAnswers() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("plain_text").gated(gate, 0));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            // the fake has sent nothing yet, and still the headers are here
            assertEquals(0, gate.sent());
            assertEquals(200, stream.status());
            assertEquals("text/event-stream;charset=UTF-8", stream.headers().firstValue("content-type").orElseThrow());
            assertEquals("no-cache, no-transform", stream.headers().firstValue("cache-control").orElseThrow());
            assertEquals("no", stream.headers().firstValue("x-accel-buffering").orElseThrow());
            assertTrue(stream.headers().firstValue("content-length").isEmpty());
            assertTrue(stream.headers().firstValue("content-encoding").isEmpty());
            gate.open();
            stream.readToEnd(T);
        }
    }

    @Test
    void plainTextArrivesAsTheExactEventSequence() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        fake.enqueue(Script.transcript("plain_text"));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");

        List<String> types = types(events);
        assertEquals("start", types.get(0));
        assertEquals(List.of("cost", "done"), types.subList(types.size() - 2, types.size()));
        assertTrue(types.subList(1, types.size() - 2).stream().allMatch("chunk"::equals), types.toString());
        long id = 1;
        for (Event e : events) {
            if (!e.type().equals("ping")) {
                assertEquals(Long.toString(id++), e.id(), "ids count up by one: " + events);
            }
        }
        assertEquals(facts.text(), text(events));
        JsonNode start = json(events.get(0));
        assertEquals("claude-sonnet-5-5", start.path("model").asText(), "the model table's default, a current model");
        assertFalse(start.path("demo").asBoolean());
        JsonNode cost = json(only(events, "cost"));
        assertEquals(facts.usage().inputTokens(), cost.path("inputTokens").asLong());
        assertEquals(facts.usage().outputTokens(), cost.path("outputTokens").asLong());
        assertEquals("USD", cost.path("currency").asText());
        assertFalse(cost.path("estimated").asBoolean());
        JsonNode done = json(last(events));
        assertEquals(start.path("messageId").asText(), done.path("messageId").asText());
        assertEquals(facts.stopReason(), done.path("stopReason").asText());
    }

    @Test
    void theUpstreamRequestIsClaudesMessagesApiWithTheKey() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        chatToEnd("{\"message\":\"Bonjour 👋\",\"model\":\"claude-haiku-4-5\",\"system\":\"be brief\","
                + "\"maxTokens\":300,\"temperature\":0.5}");
        RecordedRequest request = last(fake.requests());
        assertEquals("POST", request.method());
        assertEquals("/v1/messages", request.path());
        assertEquals(KEY, request.header("x-api-key"));
        assertEquals("2023-06-01", request.header("anthropic-version"));
        JsonNode body = json(request.body());
        assertTrue(body.path("stream").asBoolean());
        assertEquals("claude-haiku-4-5", body.path("model").asText());
        assertEquals(300, body.path("max_tokens").asInt());
        assertEquals(0.5, body.path("temperature").asDouble());
        assertEquals("be brief", body.path("system").asText());
        assertEquals("Bonjour 👋", body.path("messages").get(0).path("content").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"crlf", "cr", "bom", "nospace", "padded_json", "unknown_events", "tool_use"})
    void everyWireVariantGivesTheSameText(String transcript) throws Exception {
        TranscriptFacts facts = TranscriptFacts.of(transcript);
        fake.enqueue(Script.transcript(transcript));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        assertEquals(facts.text(), text(events));
        assertEquals(facts.stopReason(), json(last(events)).path("stopReason").asText());
    }

    @Test
    void multiByteTextSplitAcrossNetworkReadsArrivesWhole() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        fake.enqueue(Script.transcript("plain_text").splitEvery(3));
        assertEquals(facts.text(), text(chatToEnd("{\"message\":\"hi\"}")));
    }

    @Test
    void thinkingIsSentApartFromTextOnlyWhenAskedFor() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("thinking");
        fake.enqueue(Script.transcript("thinking"));
        List<Event> withThinking = chatToEnd("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"thinking\":true,"
                + "\"maxTokens\":2000}");
        assertEquals(facts.thinking(), joined(withThinking, "thinking"));
        assertEquals(facts.text(), text(withThinking));
        // claude-haiku-4-5 thinks only with a budget: true means the smallest
        JsonNode thinking = json(last(fake.requests()).body()).path("thinking");
        assertEquals("enabled", thinking.path("type").asText());
        assertEquals(1024, thinking.path("budget_tokens").asInt());

        fake.enqueue(Script.transcript("thinking"));
        List<Event> without = chatToEnd("{\"message\":\"hi\"}");
        assertFalse(types(without).contains("thinking"));
        assertEquals(facts.text(), text(without));
    }

    @Test
    void cumulativeUsageCountsTheLastValueNotTheSum() throws Exception {
        fake.enqueue(Script.transcript("two_message_deltas"));
        JsonNode cost = json(only(chatToEnd("{\"message\":\"hi\"}"), "cost"));
        assertEquals(TranscriptFacts.of("two_message_deltas").usage().outputTokens(), cost.path("outputTokens").asLong());
        assertFalse(cost.path("estimated").asBoolean());
    }

    @Test
    void cacheWritesAndReadsArePricedExactly() throws Exception {
        fake.enqueue(Script.transcript("cache_usage"));
        JsonNode cost = json(only(chatToEnd("{\"message\":\"hi\"}"), "cost"));
        // sonnet 4.5: 12 in × $3, 1000 × $3.75 (5m), 2000 × $6 (1h), 500 × $0.30 read, 60 out × $15, per million
        assertEquals(0, new BigDecimal("0.016836").compareTo(cost.path("totalCost").decimalValue()), cost.toString());
        assertEquals(3000, cost.path("cacheCreationInputTokens").asLong());
        assertEquals(500, cost.path("cacheReadInputTokens").asLong());
    }

    @Test
    void anOverloadedErrorMidStreamKeepsTheTextAndEndsRetryable() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("overloaded_midstream");
        fake.enqueue(Script.transcript("overloaded_midstream"));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        assertEquals(facts.text(), text(events));
        assertEquals(List.of("cost", "error"), types(events).subList(types(events).size() - 2, types(events).size()));
        JsonNode error = json(last(events));
        assertEquals("overloaded", error.path("type").asText());
        assertTrue(error.path("retryable").asBoolean());
        assertTrue(json(only(events, "cost")).path("estimated").asBoolean());
    }

    @Test
    void aDroppedConnectionEndsWithARetryableError() throws Exception {
        fake.enqueue(Script.transcript("dropped").dropAfter(5));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        assertFalse(text(events).isEmpty());
        JsonNode error = json(last(events));
        assertEquals("upstream_dropped", error.path("type").asText());
        assertTrue(error.path("retryable").asBoolean());
    }

    @Test
    void overloaded529IsRetriedWithAStatusEventThenSucceeds() throws Exception {
        int before = fake.requests().size();
        fake.enqueue(Script.error(529, "overloaded_error", "Overloaded").header("retry-after-ms", "50"));
        fake.enqueue(Script.transcript("plain_text"));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        assertEquals(List.of("start", "status"), types(events).subList(0, 2));
        JsonNode status = json(events.get(1));
        assertEquals("retrying", status.path("stage").asText());
        assertEquals(1, status.path("attempt").asInt());
        assertEquals(50, status.path("delayMs").asLong());
        assertEquals(TranscriptFacts.of("plain_text").text(), text(events));
        assertEquals("done", last(events).type());
        assertEquals(before + 2, fake.requests().size());
    }

    @Test
    void aStopDuringTheWaitBeforeARetryEndsTheAnswerAtOnceWithoutCallingClaudeAgain() throws Exception {
        int before = fake.requests().size();
        fake.enqueue(Script.error(529, "overloaded_error", "Overloaded").header("retry-after-ms", "30000"));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            String messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            assertEquals("status", stream.nextNonPing(T).type());
            Instant asked = Instant.now();
            assertEquals(200, browser.stop(messageId).statusCode());
            List<Event> rest = stream.readToEnd(T);
            assertTrue(Duration.between(asked, Instant.now()).toMillis() < 5_000, "the 30 s wait was cut short");
            assertEquals("stopped", json(last(rest)).path("stopReason").asText(), rest.toString());
        }
        assertEquals(before + 1, fake.requests().size());
    }

    @Test
    void unauthorizedIsNotRetriedAndNeverShowsTheKey() throws Exception {
        int before = fake.requests().size();
        fake.enqueue(Script.error(401, "authentication_error", "invalid x-api-key"));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        assertEquals(List.of("start", "error"), types(events));
        JsonNode error = json(last(events));
        assertEquals("authentication_failed", error.path("type").asText());
        assertFalse(error.path("retryable").asBoolean());
        assertFalse(events.toString().contains(KEY));
        assertEquals(before + 1, fake.requests().size());
    }

    @Test
    void eachChunkReachesTheBrowserBeforeClaudeSendsTheNextOne() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            assertEquals("start", stream.nextNonPing(T).type());
            for (int i = 1; i <= 5; i++) {
                gate.release();
                Event chunk = stream.nextNonPing(T);
                assertEquals("chunk", chunk.type());
                assertEquals(2 + i, gate.sent(), "the fake has not sent the next delta yet");
            }
            gate.open();
            stream.readToEnd(T);
        }
    }

    @Test
    void aQuietStreamGetsPingsWithoutIds() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            assertEquals("start", stream.next(T).type());
            Event ping = stream.next(Duration.ofSeconds(3));
            assertEquals("ping", ping.type());
            assertNull(ping.id());
            assertEquals("{}", ping.data());
            gate.open();
            stream.readToEnd(T);
        }
    }

    @Test
    void resumeReplaysEverythingAfterTheLastIdThenFollowsLiveWithoutGapOrDuplicate() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("long_text");
        ResumeScenario.Result resumed = ResumeScenario.run(browser, fake, 6, 4, T);
        assertEquals(facts.text(), text(resumed.events()));
        assertEquals("done", last(resumed.events()).type());
        // a finished answer replays in full, also with the query parameter
        var replay = browser.send("GET", "api/chat/" + resumed.messageId() + "/stream?lastEventId=0", null, null);
        assertTrue(replay.body().contains("event: done"));
        assertEquals(facts.text(), textOf(replay.body()));
    }

    @Test
    void aLastEventIdPastTheEndIsAClearErrorNotAnEndlessStream() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        String messageId = json(events.get(0)).path("messageId").asText();
        String lastId = last(events).id();
        // the last id itself is fine: nothing follows, and the stream ends at once
        assertEquals(200, browser.send("GET", "api/chat/" + messageId + "/stream?lastEventId=" + lastId, null, null)
                .statusCode());
        for (String beyond : List.of(Long.toString(Long.parseLong(lastId) + 1), "9999")) {
            var response = browser.send("GET", "api/chat/" + messageId + "/stream?lastEventId=" + beyond, null, null);
            assertEquals(400, response.statusCode(), "Last-Event-ID " + beyond);
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            assertEquals("invalid_last_event_id", json(response.body()).path("error").path("type").asText());
        }
    }

    @Test
    void resumeOfAnUnknownOrSomeoneElsesAnswerIs404() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        String messageId = json(chatToEnd("{\"message\":\"hi\"}").get(0)).path("messageId").asText();
        Browser stranger = new Browser(app.baseUri());
        for (String path : List.of("api/chat/" + messageId + "/stream", "api/chat/nope/stream")) {
            var response = stranger.send("GET", path, null, null);
            assertEquals(404, response.statusCode());
            assertEquals("not_found", json(response.body()).path("error").path("type").asText());
        }
        assertEquals(404, stranger.stop(messageId).statusCode());
    }

    @Test
    void stopClosesTheUpstreamConnectionWithinASecondAndEndsWithCostAndDone() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            String messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            gate.release(3);
            for (int i = 0; i < 3; i++) {
                assertEquals("chunk", stream.nextNonPing(T).type());
            }
            Instant asked = Instant.now();
            var response = browser.stop(messageId);
            Instant closed = fake.awaitClientClose(Duration.ofSeconds(2));
            assertTrue(Duration.between(asked, closed).toMillis() < 1000,
                    "upstream closed after " + Duration.between(asked, closed).toMillis() + " ms");
            assertEquals(200, response.statusCode());
            assertEquals("stopped", json(response.body()).path("state").asText());
            assertEquals(messageId, json(response.body()).path("messageId").asText());
            List<Event> rest = stream.readToEnd(T);
            assertEquals(List.of("cost", "done"), types(rest));
            assertTrue(json(rest.get(0)).path("estimated").asBoolean());
            assertEquals("stopped", json(rest.get(1)).path("stopReason").asText());
            var again = browser.stop(messageId);
            assertEquals(200, again.statusCode());
            assertEquals("stopped", json(again.body()).path("state").asText());
        }
    }

    @Test
    void aBrowserResetMidStreamLosesNothing() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("long_text");
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        String owner = "resetresetresetresetreset";
        String messageId = RawClient.postAndReset(app.port(), owner, "{\"message\":\"hi\"}", gate);
        gate.open();
        Browser same = new Browser(app.baseUri(), owner);
        try (EventStreamReader resumed = same.resume(messageId, 0)) {
            assertEquals(200, resumed.status());
            List<Event> all = resumed.readToEnd(T);
            assertEquals(facts.text(), text(all), all.toString());
            assertEquals("done", last(all).type());
        }
    }

    @Test
    void anUpstreamThatFallsSilentEndsWithATimeout() throws Exception {
        fake.enqueue(Script.transcript("long_text").hangAfter(4));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        JsonNode error = json(last(events));
        assertEquals("upstream_timeout", error.path("type").asText());
        assertTrue(error.path("retryable").asBoolean());
    }

    @Test
    void healthSaysWhichUpstreamAndStore() throws Exception {
        var response = browser.send("GET", "api/health", null, null);
        assertEquals(200, response.statusCode());
        JsonNode health = json(response.body());
        assertEquals("claude", health.path("upstream").asText());
        assertEquals("ok", health.path("store").asText());
        assertFalse(response.body().contains(KEY));
    }

    static String textOf(String rawStream) {
        StringBuilder text = new StringBuilder();
        dev.claudesse.protocol.EventStreamParser parser = new dev.claudesse.protocol.EventStreamParser((t, d, id) -> {
            if (t.equals("chunk")) {
                text.append(json(d).path("text").asText());
            }
        });
        parser.feed(rawStream.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return text.toString();
    }
}
