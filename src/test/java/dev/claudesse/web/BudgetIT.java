package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.only;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Budgets (issue 15): an answer that spends its owner's budget is stopped mid-stream with stop reason
 * "budget" and the next question is refused with 429 before Claude is called; answers of one owner racing
 * past the same budget overshoot it by at most what each streams between two of its reports.
 */
class BudgetIT {

    static final Duration T = Duration.ofSeconds(15);
    /**
     * What one of long_text's deltas may add to an estimate: 26 characters, at most 7 output tokens at four
     * characters a token, at Sonnet 4.5's $15 a million (the transcript's model).
     */
    static final BigDecimal ONE_DELTA = new BigDecimal("0.000105");

    FakeClaude fake;
    EmbeddedApp app;

    void start(Map<String, String> budget) throws Exception {
        fake = FakeClaude.start();
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-budget",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "8",
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("claude-sse-budget").toString()));
        settings.putAll(budget);
        app = EmbeddedApp.start(0, settings);
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private static String cookie() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private JsonNode conversation(Browser browser, String id) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode c = json(browser.send("GET", "api/conversations/" + id, null, null).body());
            if (!c.path("messages").path(1).path("status").asText().equals("streaming")) {
                return c;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the answer was not saved");
    }

    @Test
    void anAnswerIsStoppedWhenTheDailyBudgetIsSpentAndTheNextQuestionIsRefused() throws Exception {
        start(Map.of("CLAUDE_SSE_BUDGET_OWNER_DAILY_USD", "0.001"));
        fake.enqueue(Script.transcript("long_text").delay(Duration.ofMillis(5)));
        Browser browser = new Browser(app.baseUri(), cookie());

        List<Event> events = browser.chat("{\"message\":\"Write a lot\"}").readToEnd(T);
        JsonNode done = json(only(events, "done"));
        assertEquals("budget", done.path("stopReason").asText(), events.toString());
        JsonNode cost = json(only(events, "cost"));
        String shown = text(events);
        assertTrue(shown.startsWith("Part 01 of a long answer.") && !shown.contains("Part 40"), shown);
        assertTrue(fake.awaitClientClose(T) != null, "Claude's request was cancelled");
        BigDecimal spent = new BigDecimal(cost.path("totalCost").asText());
        assertTrue(spent.compareTo(new BigDecimal("0.001")) >= 0, "stopped only once the budget was spent: " + spent);
        assertTrue(spent.compareTo(new BigDecimal("0.001").add(ONE_DELTA)) <= 0, "overshot by more than a delta: " + spent);

        String conversationId = json(events.getFirst()).path("conversationId").asText();
        JsonNode saved = conversation(browser, conversationId).path("messages").path(1);
        assertEquals("stopped", saved.path("status").asText());
        assertEquals("budget", saved.path("stopReason").asText());
        assertEquals(shown, saved.path("text").asText());

        int asked = fake.requests().size();
        HttpResponse<String> refused = browser.send("POST", "api/chat", "application/json", "{\"message\":\"More\"}");
        assertEquals(429, refused.statusCode());
        JsonNode error = json(refused.body()).path("error");
        assertEquals("budget_exceeded", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("daily budget"), error.toString());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 24 * 3600, "Retry-After " + retryAfter);
        assertEquals(asked, fake.requests().size(), "no call to Claude");

        // another owner's budget is untouched
        fake.enqueue(Script.transcript("plain_text"));
        List<Event> other = new Browser(app.baseUri(), cookie()).chat("{\"message\":\"Hi\"}").readToEnd(T);
        assertEquals("end_turn", json(only(other, "done")).path("stopReason").asText());
    }

    @Test
    void answersRacingPastOneBudgetOvershootItByAtMostADeltaEach() throws Exception {
        start(Map.of("CLAUDE_SSE_BUDGET_OWNER_DAILY_USD", "0.002"));
        int racing = 4;
        for (int i = 0; i < racing; i++) {
            fake.enqueue(Script.transcript("long_text").delay(Duration.ofMillis(10)));
        }
        Browser browser = new Browser(app.baseUri(), cookie());
        List<EventStreamReader> streams = new ArrayList<>();
        for (int i = 0; i < racing; i++) {
            streams.add(browser.chat("{\"message\":\"Race " + i + "\"}"));
        }
        BigDecimal total = BigDecimal.ZERO;
        for (EventStreamReader stream : streams) {
            List<Event> events = stream.readToEnd(T);
            assertEquals("budget", json(only(events, "done")).path("stopReason").asText(), events.toString());
            total = total.add(new BigDecimal(json(only(events, "cost")).path("totalCost").asText()));
        }
        BigDecimal bound = new BigDecimal("0.002").add(ONE_DELTA.multiply(BigDecimal.valueOf(racing)));
        System.out.println("[budget] " + racing + " racing answers spent " + total + " of 0.002 (bound " + bound + ")");
        assertTrue(total.compareTo(new BigDecimal("0.002")) >= 0, "stopped before the budget was spent: " + total);
        assertTrue(total.compareTo(bound) <= 0, "overshoot beyond one delta per answer: " + total);
    }
}
