package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.FakeModel;
import dev.claudesse.fake.RecordedRequest;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.joined;
import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.only;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Today's Claude (2026-11-30) end to end: the default model, thinking and effort on the current models,
 * requests Claude would refuse refused by the product first, today's stream content (adaptive thinking,
 * refusals, new usage fields, unknown blocks) with costs from the model table, api/models, and the
 * startup checks. The fake refuses what today's Claude refuses, so a wrong request shape fails here.
 */
class TodaysClaudeIT {

    static final String KEY = "sk-ant-test-SECRET-5555";
    static final Duration T = Duration.ofSeconds(10);

    static FakeClaude fake;
    static EmbeddedApp app;
    static LogCapture logs;
    Browser browser;

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install();
        fake = FakeClaude.start();
        // Claude's own list says Haiku 5.5 is deprecated: the table says active, so the app warns
        List<FakeModel> listed = new ArrayList<>(FakeModel.DEFAULTS);
        listed.replaceAll(m -> m.id().equals("claude-haiku-5-5") ? new FakeModel(m.id(), m.displayName(),
                "deprecated", Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2027-03-01T00:00:00Z"),
                m.maxInputTokens(), m.maxTokens()) : m);
        fake.models(listed);
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_MAX_TOKENS_LIMIT", "100000",
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("claude-sse-today").toString()));
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
            assertEquals(200, stream.status(), "refused: " + body);
            return stream.readToEnd(T);
        }
    }

    private JsonNode lastRequestBody() {
        return json(last(fake.requests()).body());
    }

    private static void assertCost(String expected, JsonNode cost) {
        assertEquals(0, new BigDecimal(expected).compareTo(cost.path("totalCost").decimalValue()),
                "totalCost " + cost.path("totalCost") + ", expected " + expected);
    }

    @Test
    void withTheDefaultsTheAppAsksClaudeForACurrentModel() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        chatToEnd("{\"message\":\"hi\"}");
        JsonNode body = lastRequestBody();
        assertEquals("claude-sonnet-5-5", body.path("model").asText());
        assertTrue(body.path("thinking").isMissingNode(), body.toString());
        assertTrue(fake.refusedRequests().isEmpty(), "Claude refused: " + fake.refusedRequests());
    }

    @ParameterizedTest
    @ValueSource(strings = {"claude-sonnet-5-5", "claude-opus-5-5"})
    void thinkingAndEffortWorkOnTheCurrentModels(String model) throws Exception {
        fake.enqueue(Script.transcript("adaptive_thinking"));
        List<Event> events = chatToEnd("{\"message\":\"hi\",\"model\":\"" + model + "\",\"thinking\":true,"
                + "\"effort\":\"high\",\"maxTokens\":8000}");
        JsonNode body = lastRequestBody();
        assertEquals(model, body.path("model").asText());
        assertEquals("adaptive", body.path("thinking").path("type").asText());
        assertEquals("summarized", body.path("thinking").path("display").asText());
        assertTrue(body.path("thinking").path("budget_tokens").isMissingNode());
        assertEquals("high", body.path("output_config").path("effort").asText());
        assertTrue(fake.refusedRequests().isEmpty(), "Claude refused: " + fake.refusedRequests());
        assertFalse(joined(events, "thinking").isEmpty(), "the adaptive thinking reached the browser");
        assertFalse(text(events).isEmpty());
        JsonNode cost = json(only(events, "cost"));
        assertTrue(cost.path("thinkingTokens").asLong() > 0, cost.toString());
    }

    @Test
    void eachKindOfModelGetsTheThinkingShapeItTakes() throws Exception {
        // adaptive and budget both: true is adaptive (its thinking text shows by default), a budget stays a budget
        fake.enqueue(Script.transcript("adaptive_thinking"));
        chatToEnd("{\"message\":\"hi\",\"model\":\"claude-opus-4-6\",\"thinking\":true,\"effort\":\"max\"}");
        JsonNode body = lastRequestBody();
        assertEquals("adaptive", body.path("thinking").path("type").asText());
        assertTrue(body.path("thinking").path("display").isMissingNode(), body.toString());
        assertEquals("max", body.path("output_config").path("effort").asText());
        fake.enqueue(Script.transcript("thinking"));
        chatToEnd("{\"message\":\"hi\",\"model\":\"claude-opus-4-6\",\"thinking\":{\"budgetTokens\":2048},"
                + "\"maxTokens\":4096,\"temperature\":1}");
        body = lastRequestBody();
        assertEquals("enabled", body.path("thinking").path("type").asText());
        assertEquals(2048, body.path("thinking").path("budget_tokens").asInt());
        assertEquals(1.0, body.path("temperature").asDouble());
        // budget only: true is the smallest budget, and no effort is sent
        fake.enqueue(Script.transcript("thinking"));
        chatToEnd("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"thinking\":true,\"temperature\":1}");
        body = lastRequestBody();
        assertEquals("enabled", body.path("thinking").path("type").asText());
        assertEquals(1024, body.path("thinking").path("budget_tokens").asInt());
        assertTrue(body.path("output_config").isMissingNode(), body.toString());
        // no sampling parameters: temperature 1 is accepted and left out
        fake.enqueue(Script.transcript("plain_text"));
        chatToEnd("{\"message\":\"hi\",\"model\":\"claude-fable-5-2\",\"temperature\":1}");
        body = lastRequestBody();
        assertTrue(body.path("temperature").isMissingNode(), body.toString());
        assertTrue(body.path("thinking").isMissingNode(), body.toString());
        assertTrue(fake.refusedRequests().isEmpty(), "Claude refused: " + fake.refusedRequests());
    }

    @Test
    void requestsClaudeWouldRefuseAreRefusedByTheProductWithoutCallingClaude() throws Exception {
        int before = fake.requests().size();
        String[][] cases = {
                {"{\"message\":\"hi\",\"thinking\":4000,\"maxTokens\":8000}", "invalid_request", "thinking budget"},
                {"{\"message\":\"hi\",\"model\":\"claude-opus-5-5\",\"temperature\":0.2}", "invalid_request", "temperature"},
                {"{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"effort\":\"high\"}", "invalid_request", "effort"},
                {"{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"maxTokens\":70000}", "invalid_request", "64000"},
                {"{\"message\":\"hi\",\"model\":\"claude-sonnet-4-5\"}", "model_retired", "claude-sonnet-5-5"},
                {"{\"message\":\"hi\",\"model\":\"claude-opus-4-1\"}", "model_retired", "claude-opus-5-5"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = browser.send("POST", "api/chat", "application/json", c[0]);
            assertEquals(400, response.statusCode(), c[0]);
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            JsonNode error = json(response.body()).path("error");
            assertEquals(c[1], error.path("type").asText(), response.body());
            assertTrue(error.path("message").asText().contains(c[2]), response.body());
        }
        assertEquals(before, fake.requests().size(), "a refused request reached Claude");
    }

    @Test
    void aRefusalEndsWithItsCategoryAndExplanationAndIsSavedSo() throws Exception {
        fake.enqueue(Script.transcript("refusal"));
        List<Event> events = chatToEnd("{\"message\":\"hi\",\"model\":\"claude-opus-5-5\"}");
        JsonNode done = json(last(events));
        assertEquals("done", last(events).type());
        assertEquals("refusal", done.path("stopReason").asText());
        assertEquals("refusal", done.path("stopDetails").path("type").asText());
        assertEquals("cyber", done.path("stopDetails").path("category").asText());
        assertEquals("This request was declined because it could enable cyber harm.",
                done.path("stopDetails").path("explanation").asText());
        String conversation = json(events.getFirst()).path("conversationId").asText();
        JsonNode saved = awaitSavedAnswer(conversation);
        assertEquals("refusal", saved.path("stopReason").asText());
        assertEquals("cyber", saved.path("stopDetails").path("category").asText());
        assertEquals("This request was declined because it could enable cyber harm.",
                saved.path("stopDetails").path("explanation").asText());
    }

    private JsonNode awaitSavedAnswer(String conversationId) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            JsonNode c = json(browser.send("GET", "api/conversations/" + conversationId, null, null).body());
            JsonNode answer = c.path("messages").get(1);
            if (answer != null && !answer.path("status").asText().equals("streaming")) {
                return answer;
            }
            assertTrue(System.nanoTime() < deadline, "the answer was not saved: " + c);
            Thread.sleep(50);
        }
    }

    @Test
    void todaysUsageIsPricedExactlyByTheTable() throws Exception {
        fake.enqueue(Script.transcript("new_usage"));
        List<Event> events = chatToEnd("{\"message\":\"hi\",\"model\":\"claude-opus-5-5\"}");
        JsonNode cost = json(only(events, "cost"));
        // iterations: opus 5.5 (4 / 20, writes 5 / 8, read 0.20): 100×4 + 1,000×5 + 2,000×8 + 20,000×0.20 + 400×20
        // = 33,400 millionths; advisor haiku 5.5 (lower tier): 2,000×0.10 + 100×0.50 = 250; fast ×2, us ×1.1
        assertCost("0.07403", cost);
        assertEquals(150, cost.path("thinkingTokens").asLong());
        assertEquals("claude-opus-5-5", cost.path("model").asText());
        assertFalse(cost.path("estimated").asBoolean());
        assertEquals("Fast, cached and counted.", text(events));
    }

    @Test
    void unknownContentBlocksNeverBreakAStream() throws Exception {
        fake.enqueue(Script.transcript("unknown_blocks"));
        List<Event> events = chatToEnd("{\"message\":\"hi\"}");
        assertEquals("done", last(events).type(), events.toString());
        assertEquals("end_turn", json(last(events)).path("stopReason").asText());
        assertFalse(text(events).isEmpty());
    }

    @Test
    void apiModelsListsTheAllowedModelsForFrontends() throws Exception {
        HttpResponse<String> response = browser.send("GET", "api/models", null, null);
        assertEquals(200, response.statusCode());
        JsonNode body = json(response.body());
        assertEquals("claude-sonnet-5-5", body.path("defaultModel").asText());
        JsonNode first = body.path("models").get(0);
        assertEquals("claude-sonnet-5-5", first.path("id").asText());
        assertTrue(first.path("default").asBoolean());
        assertEquals("Claude Sonnet 5.5", first.path("displayName").asText());
        assertEquals("active", first.path("lifecycle").asText());
        assertEquals(1_000_000, first.path("contextWindow").asLong());
        assertEquals(100_000, first.path("maxTokens").asInt(), "the server's limit is lower than the model's");
        assertEquals("[\"adaptive\",\"disabled\"]", first.path("thinking").toString());
        assertFalse(first.path("thinkingBudget").asBoolean());
        assertFalse(first.path("sampling").asBoolean());
        assertEquals("[\"low\",\"medium\",\"high\",\"xhigh\",\"max\"]", first.path("effort").toString());
        JsonNode rates = first.path("prices").path("tiers").get(0);
        assertEquals(0, new BigDecimal("0.1").compareTo(rates.path("cacheRead").decimalValue()));
        List<String> ids = new ArrayList<>();
        body.path("models").forEach(m -> ids.add(m.path("id").asText()));
        assertTrue(ids.containsAll(List.of("claude-opus-5-5", "claude-haiku-5-5", "claude-fable-5-2", "claude-haiku-4-5")), ids.toString());
        assertFalse(ids.contains("claude-sonnet-4-5"), "retired today");
        assertFalse(ids.contains("claude-opus-4-1"), "retired");
        JsonNode haiku = body.path("models").get(ids.indexOf("claude-haiku-5-5")).path("prices").path("tiers");
        assertEquals(2, haiku.size());
        assertEquals(100_000, haiku.get(0).path("promptTokensUpTo").asLong());
    }

    @Test
    void claudesListOfModelsIsReadAndADifferentLifecycleIsWarnedAbout() throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (!logs.text().contains("Claude lists claude-haiku-5-5 as deprecated, the model table as active")) {
            assertTrue(System.nanoTime() < deadline, "no warning about claude-haiku-5-5; the log:\n" + logs.text());
            Thread.sleep(50);
        }
        assertTrue(fake.modelsRequests() >= 1);
        assertTrue(logs.text().contains("Claude says claude-haiku-5-5 retires on 2027-03-01"), logs.text());
    }

    @Test
    void aRetiredDefaultModelStopsTheStartNamingItsReplacement() throws Exception {
        Path data = Files.createTempDirectory("claude-sse-retired");
        try (EmbeddedApp retired = EmbeddedApp.start(0, Map.of(
                "CLAUDE_SSE_DEFAULT_MODEL", "claude-sonnet-4-5", "CLAUDE_SSE_DATA_DIR", data.toString()))) {
            assertFalse(retired.context().getState().isAvailable(), "the app started with a retired default model");
            HttpResponse<String> health = new Browser(retired.baseUri()).send("GET", "api/health", null, null);
            assertTrue(health.statusCode() >= 400, "health answered " + health.statusCode());
        }
        assertTrue(logs.text().contains("the default model claude-sonnet-4-5 is retired since 2026-11-30")
                && logs.text().contains("Set CLAUDE_SSE_DEFAULT_MODEL to claude-sonnet-5-5"), logs.text());
    }

    @Test
    void aDeprecatedDefaultModelStartsWithAWarning() throws Exception {
        Path data = Files.createTempDirectory("claude-sse-deprecated");
        Path table = data.resolve("models.json");
        // a deprecation to come, as the override of an operator who learnt of it
        Files.writeString(table, "{\"models\":{\"claude-haiku-5-5\":{\"deprecatedOn\":\"2026-11-01\","
                + "\"retiresOn\":\"2099-01-31\",\"replacement\":\"claude-haiku-6\"}}}");
        try (EmbeddedApp deprecated = EmbeddedApp.start(0, Map.of("CLAUDE_SSE_DEFAULT_MODEL", "claude-haiku-5-5",
                "CLAUDE_SSE_MODELS_FILE", table.toString(), "CLAUDE_SSE_DATA_DIR", data.toString()))) {
            long deadline = System.nanoTime() + T.toNanos();
            while (!logs.text().contains("model claude-haiku-5-5 is deprecated and retires on 2099-01-31; move to claude-haiku-6")) {
                assertTrue(System.nanoTime() < deadline, "no deprecation warning; the log:\n" + logs.text());
                Thread.sleep(50);
            }
            Browser b = new Browser(deprecated.baseUri());
            try (EventStreamReader stream = b.chat("{\"message\":\"hi\"}")) {
                assertEquals(200, stream.status());
                assertEquals("claude-haiku-5-5", json(stream.readToEnd(T).getFirst()).path("model").asText());
            }
        }
    }
}
