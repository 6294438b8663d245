package dev.claudesse.web;

import dev.claudesse.claude.Thinking;
import dev.claudesse.config.Settings;
import dev.claudesse.config.SettingsSource;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatRequestReaderTest {

    static final Clock TODAY = Clock.fixed(Instant.parse("2026-11-30T09:00:00Z"), ZoneOffset.UTC);
    static final Clock YESTERDAY = Clock.fixed(Instant.parse("2026-11-29T23:59:00Z"), ZoneOffset.UTC);

    private final ChatRequestReader reader = reader(Map.of());

    private static ChatRequestReader reader(Map<String, String> settings) {
        return reader(settings, TODAY);
    }

    private static ChatRequestReader reader(Map<String, String> settings, Clock clock) {
        try {
            Settings s = Settings.load(new SettingsSource(settings::get));
            ModelPolicy models = new ModelPolicy(ModelTable.load(Json.MAPPER, null), s.defaultModel(),
                    s.allowedModels(), clock);
            return new ChatRequestReader(s, models, Json.MAPPER);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private ChatRequest parse(String body) {
        return reader.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private void refused(String body, String type) {
        refused(reader, body, type);
    }

    private static String refused(ChatRequestReader reader, String body, String type) {
        ApiException e = assertThrows(ApiException.class, () -> reader.parse(body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, e.status());
        assertEquals(type, e.type(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsFillWhatTheRequestLeavesOut() {
        ChatRequest r = parse("{\"message\":\"hi\"}");
        assertEquals(new ChatRequest("hi", null, "claude-sonnet-5-5", null, 4096, null, null, null), r);
    }

    @Test
    void regenerateTakesAConversationAndNoMessage() {
        assertEquals(new ChatRequest(null, "c1", "claude-sonnet-5-5", null, 4096, null, null, null, true),
                parse("{\"regenerate\":true,\"conversationId\":\"c1\"}"));
        assertFalse(parse("{\"message\":\"hi\",\"regenerate\":false}").regenerate());
        assertTrue(refused(reader, "{\"regenerate\":true}", "invalid_request").contains("conversationId"));
        assertTrue(refused(reader, "{\"regenerate\":true,\"conversationId\":\"c1\",\"message\":\"hi\"}",
                "invalid_request").contains("leave out \"message\""));
        refused("{\"regenerate\":1,\"conversationId\":\"c1\"}", "invalid_request");
        refused("{\"regenerate\":false}", "invalid_request"); // an ordinary request still needs its message
    }

    @Test
    void everyFieldIsTaken() {
        ChatRequest r = parse("{\"message\":\"hi\",\"conversationId\":\"c1\",\"model\":\"claude-haiku-4-5\","
                + "\"system\":\"be brief\",\"maxTokens\":5000,\"temperature\":1,\"thinking\":2048}");
        assertEquals(new ChatRequest("hi", "c1", "claude-haiku-4-5", "be brief", 5000, 1.0, Thinking.budget(2048),
                null), r);
        ChatRequest opus = parse("{\"message\":\"hi\",\"model\":\"claude-opus-5-5\",\"effort\":\"xhigh\",\"thinking\":true}");
        assertEquals(new ChatRequest("hi", null, "claude-opus-5-5", null, 4096, null, Thinking.adaptive("summarized"),
                "xhigh"), opus);
    }

    @Test
    void thinkingTrueTakesTheShapeTheModelUses() {
        // adaptive where the model offers it (with the thinking text asked for where it is left out by default)
        assertEquals(Thinking.adaptive("summarized"), parse("{\"message\":\"hi\",\"thinking\":true}").thinking());
        assertEquals(Thinking.adaptive("summarized"), parse("{\"message\":\"hi\",\"model\":\"claude-opus-5-5\","
                + "\"thinking\":true}").thinking());
        assertEquals(Thinking.adaptive(null), parse("{\"message\":\"hi\",\"model\":\"claude-opus-4-6\","
                + "\"thinking\":true}").thinking());
        // the smallest budget where the model only takes a budget
        assertEquals(Thinking.budget(1024), parse("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\","
                + "\"thinking\":true}").thinking());
        assertEquals(Thinking.budget(3000), parse("{\"message\":\"hi\",\"model\":\"claude-opus-4-6\","
                + "\"thinking\":{\"budgetTokens\":3000}}").thinking());
        assertNull(parse("{\"message\":\"hi\",\"thinking\":false}").thinking());
    }

    @Test
    void aBudgetForAModelThatThinksAdaptivelyIsRefused() {
        String message = refused(reader, "{\"message\":\"hi\",\"thinking\":2048}", "invalid_request");
        assertTrue(message.contains("claude-sonnet-5-5") && message.contains("\"thinking\": true"), message);
        refused("{\"message\":\"hi\",\"model\":\"claude-fable-5-2\",\"thinking\":{\"budgetTokens\":4000}}",
                "invalid_request");
    }

    @Test
    void temperatureIsRefusedWhereTheModelTakesNoSamplingParameters() {
        String message = refused(reader, "{\"message\":\"hi\",\"model\":\"claude-opus-5-5\",\"temperature\":0.5}",
                "invalid_request");
        assertTrue(message.contains("temperature"), message);
        // 1 is their default: accepted, and left out of the request
        assertNull(parse("{\"message\":\"hi\",\"temperature\":1}").temperature());
        assertEquals(0.5, parse("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"temperature\":0.5}").temperature());
    }

    @Test
    void effortMustBeALevelTheModelTakes() {
        assertEquals("low", parse("{\"message\":\"hi\",\"effort\":\"low\"}").effort());
        assertEquals("max", parse("{\"message\":\"hi\",\"model\":\"claude-opus-4-6\",\"effort\":\"max\"}").effort());
        refused("{\"message\":\"hi\",\"effort\":\"extreme\"}", "invalid_request");
        refused("{\"message\":\"hi\",\"effort\":3}", "invalid_request");
        refused("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"effort\":\"low\"}", "invalid_request");
        String message = refused(reader, "{\"message\":\"hi\",\"model\":\"claude-opus-4-6\",\"effort\":\"xhigh\"}",
                "invalid_request");
        assertTrue(message.contains("low, medium, high, max"), message);
    }

    @Test
    void maxTokensIsCheckedAgainstTheModelsOwnLimit() {
        ChatRequestReader roomy = reader(Map.of("CLAUDE_SSE_MAX_TOKENS_LIMIT", "200000"));
        assertEquals(128000, roomy.parse("{\"message\":\"hi\",\"maxTokens\":128000}".getBytes(StandardCharsets.UTF_8))
                .maxTokens());
        refused(roomy, "{\"message\":\"hi\",\"maxTokens\":128001}", "invalid_request");
        String message = refused(roomy, "{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"maxTokens\":64001}",
                "invalid_request");
        assertTrue(message.contains("64000 for claude-haiku-4-5"), message);
    }

    @Test
    void retiredModelsAreRefusedWithTheirReplacementEvenWhenConfigured() {
        String message = refused(reader, "{\"message\":\"hi\",\"model\":\"claude-opus-4-1\"}", "model_retired");
        assertTrue(message.contains("claude-opus-5-5"), message);
        ChatRequestReader configured = reader(Map.of("CLAUDE_SSE_ALLOWED_MODELS", "claude-sonnet-4-5,claude-haiku-4-5"));
        // claude-sonnet-4-5 retires on 2026-11-30: a dated id too
        message = refused(configured, "{\"message\":\"hi\",\"model\":\"claude-sonnet-4-5-20250929\"}", "model_retired");
        assertTrue(message.contains("2026-11-30") && message.contains("claude-sonnet-5-5"), message);
    }

    @Test
    void deprecatedModelsOnlyWhenConfigured() {
        ChatRequestReader byDefault = reader(Map.of(), YESTERDAY);
        refused(byDefault, "{\"message\":\"hi\",\"model\":\"claude-sonnet-4-5\"}", "model_not_allowed");
        ChatRequestReader configured = reader(Map.of("CLAUDE_SSE_ALLOWED_MODELS", "claude-sonnet-4-5"), YESTERDAY);
        assertEquals("claude-sonnet-4-5", configured.parse("{\"message\":\"hi\",\"model\":\"claude-sonnet-4-5\"}"
                .getBytes(StandardCharsets.UTF_8)).model());
        // active and legacy models are allowed by default, dated ids too
        assertEquals("claude-haiku-4-5-20251001", parse("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5-20251001\"}").model());
    }

    @Test
    void halfAnEmojiInTheQuestionBecomesAReplacementCharacter() {
        assertEquals("cut \uFFFD here", parse("{\"message\":\"cut \\ud83d here\"}").message());
        assertEquals("whole \uD83D\uDE00", parse("{\"message\":\"whole \\ud83d\\ude00\"}").message());
    }

    @Test
    void malformedJsonIsRefused() {
        refused("{\"message\":", "invalid_json");
        refused("[1,2]", "invalid_json");
        refused("", "invalid_json");
    }

    @Test
    void aMissingOrBlankMessageIsRefused() {
        refused("{}", "invalid_request");
        refused("{\"message\":\"  \"}", "invalid_request");
        refused("{\"message\":42}", "invalid_request");
    }

    @Test
    void outOfRangeNumbersAreRefused() {
        refused("{\"message\":\"hi\",\"maxTokens\":0}", "invalid_request");
        refused("{\"message\":\"hi\",\"maxTokens\":64001}", "invalid_request");
        refused("{\"message\":\"hi\",\"maxTokens\":1.5}", "invalid_request");
        refused("{\"message\":\"hi\",\"temperature\":1.5}", "invalid_request");
        refused("{\"message\":\"hi\",\"temperature\":-0.1}", "invalid_request");
        refused("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"thinking\":100}", "invalid_request");
        refused("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"thinking\":true,\"maxTokens\":1000}", "invalid_request");
        refused("{\"message\":\"hi\",\"model\":\"claude-haiku-4-5\",\"thinking\":true,\"temperature\":0.5}", "invalid_request");
    }

    @Test
    void aModelOutsideTheAllowListIsRefused() {
        refused("{\"message\":\"hi\",\"model\":\"gpt-5\"}", "model_not_allowed");
        ChatRequestReader strict = reader(Map.of("CLAUDE_SSE_ALLOWED_MODELS", "claude-haiku-4-5"));
        ApiException e = assertThrows(ApiException.class, () -> strict.parse(
                "{\"message\":\"hi\",\"model\":\"claude-opus-5-5\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("model_not_allowed", e.type());
    }
}
