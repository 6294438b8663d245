package dev.claudesse.web;

import dev.claudesse.claude.PriceTable;
import dev.claudesse.config.Settings;
import dev.claudesse.config.SettingsSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChatRequestReaderTest {

    private final ChatRequestReader reader = reader(Map.of());

    private static ChatRequestReader reader(Map<String, String> settings) {
        try {
            Settings s = Settings.load(new SettingsSource(settings::get));
            return new ChatRequestReader(s, PriceTable.load(Json.MAPPER, null), Json.MAPPER);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private ChatRequest parse(String body) {
        return reader.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private void refused(String body, String type) {
        ApiException e = assertThrows(ApiException.class, () -> parse(body));
        assertEquals(400, e.status());
        assertEquals(type, e.type(), e.getMessage());
    }

    @Test
    void defaultsFillWhatTheRequestLeavesOut() {
        ChatRequest r = parse("{\"message\":\"hi\"}");
        assertEquals(new ChatRequest("hi", null, "claude-sonnet-4-5", null, 4096, null, null), r);
    }

    @Test
    void everyFieldIsTaken() {
        ChatRequest r = parse("{\"message\":\"hi\",\"conversationId\":\"c1\",\"model\":\"claude-haiku-4-5\","
                + "\"system\":\"be brief\",\"maxTokens\":5000,\"temperature\":1,\"thinking\":2048}");
        assertEquals(new ChatRequest("hi", "c1", "claude-haiku-4-5", "be brief", 5000, 1.0, 2048), r);
    }

    @Test
    void thinkingTrueTakesTheSmallestBudget() {
        assertEquals(1024, parse("{\"message\":\"hi\",\"thinking\":true}").thinkingBudget());
        assertEquals(3000, parse("{\"message\":\"hi\",\"thinking\":{\"budgetTokens\":3000}}").thinkingBudget());
        assertNull(parse("{\"message\":\"hi\",\"thinking\":false}").thinkingBudget());
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
        refused("{\"message\":\"hi\",\"thinking\":100}", "invalid_request");
        refused("{\"message\":\"hi\",\"thinking\":true,\"maxTokens\":1000}", "invalid_request");
        refused("{\"message\":\"hi\",\"thinking\":true,\"temperature\":0.5}", "invalid_request");
    }

    @Test
    void aModelOutsideTheAllowListIsRefused() {
        refused("{\"message\":\"hi\",\"model\":\"gpt-5\"}", "model_not_allowed");
        ChatRequestReader strict = reader(Map.of("CLAUDE_SSE_ALLOWED_MODELS", "claude-haiku-4-5"));
        ApiException e = assertThrows(ApiException.class, () -> strict.parse(
                "{\"message\":\"hi\",\"model\":\"claude-sonnet-4-5\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("model_not_allowed", e.type());
    }
}
