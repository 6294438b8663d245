package dev.claudesse.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.StopDetails;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UiMessageDialectTest {

    private static final ObjectMapper JSON = dev.claudesse.web.Json.MAPPER; // the app's: exact decimals

    /** The chunks of the encoded bytes, in order; "[DONE]" for the end marker. */
    private static List<String> chunks(StringBuilder wire) throws Exception {
        List<String> out = new ArrayList<>();
        for (String frame : wire.toString().split("\n\n")) {
            assertTrue(frame.startsWith("data: "), "not a data frame: " + frame);
            String data = frame.substring(6);
            if (!data.equals("[DONE]")) {
                JSON.readTree(data); // every chunk is one line of valid JSON
            }
            out.add(data);
        }
        return out;
    }

    @Test
    void anAnswerWithThinkingAndTextInTheSdksOrder() throws Exception {
        Dialect.Encoder encoder = UiMessageDialect.INSTANCE.encoder(JSON);
        StringBuilder wire = new StringBuilder();
        for (byte[] bytes : List.of(
                encoder.event(new AnswerEvent.Start("c1", "m1", "claude-sonnet-5-5", false)),
                encoder.thinking("Let me see. "), encoder.thinking("Yes."),
                encoder.text("Héllo \"wörld\" 👋"), encoder.text("!"),
                encoder.event(new AnswerEvent.Cost(10, 20, 0, 0, 5, new BigDecimal("0.00022"), "USD", false, "claude-sonnet-5-5")),
                encoder.event(new AnswerEvent.Done("m1", "end_turn", null)))) {
            wire.append(new String(bytes, StandardCharsets.UTF_8));
        }
        assertEquals(List.of(
                "{\"type\":\"start\",\"messageId\":\"m1\",\"messageMetadata\":{\"conversationId\":\"c1\",\"model\":\"claude-sonnet-5-5\",\"demo\":false}}",
                "{\"type\":\"start-step\"}",
                "{\"type\":\"reasoning-start\",\"id\":\"b1\"}",
                "{\"type\":\"reasoning-delta\",\"id\":\"b1\",\"delta\":\"Let me see. \"}",
                "{\"type\":\"reasoning-delta\",\"id\":\"b1\",\"delta\":\"Yes.\"}",
                "{\"type\":\"reasoning-end\",\"id\":\"b1\"}",
                "{\"type\":\"text-start\",\"id\":\"b2\"}",
                "{\"type\":\"text-delta\",\"id\":\"b2\",\"delta\":\"Héllo \\\"wörld\\\" 👋\"}",
                "{\"type\":\"text-delta\",\"id\":\"b2\",\"delta\":\"!\"}",
                "{\"type\":\"text-end\",\"id\":\"b2\"}",
                "{\"type\":\"finish-step\"}",
                "{\"type\":\"finish\",\"finishReason\":\"stop\",\"messageMetadata\":{\"inputTokens\":10,\"outputTokens\":20,"
                        + "\"cacheCreationInputTokens\":0,\"cacheReadInputTokens\":0,\"thinkingTokens\":5,"
                        + "\"totalCost\":0.00022,\"currency\":\"USD\",\"estimated\":false,\"model\":\"claude-sonnet-5-5\","
                        + "\"stopReason\":\"end_turn\"}}",
                "[DONE]"), chunks(wire));
    }

    @Test
    void retriesAreTransientStatusPartsAndFailuresAnErrorChunk() throws Exception {
        Dialect.Encoder encoder = UiMessageDialect.INSTANCE.encoder(JSON);
        StringBuilder wire = new StringBuilder();
        wire.append(new String(encoder.event(new AnswerEvent.Status("retrying", 1, 500, "overloaded_error")), StandardCharsets.UTF_8));
        wire.append(new String(encoder.text("Half"), StandardCharsets.UTF_8));
        wire.append(new String(encoder.event(new AnswerEvent.Error("overloaded", "Claude is overloaded.", true)), StandardCharsets.UTF_8));
        List<String> chunks = chunks(wire);
        JsonNode status = JSON.readTree(chunks.getFirst());
        assertEquals("data-status", status.path("type").asText());
        assertTrue(status.path("transient").asBoolean());
        assertEquals(500, status.path("data").path("delayMs").asLong());
        assertEquals(List.of("{\"type\":\"text-end\",\"id\":\"b1\"}", "{\"type\":\"error\",\"errorText\":\"Claude is overloaded.\"}",
                "[DONE]"), chunks.subList(3, 6));
    }

    @Test
    void stopReasonsMapToFinishReasonsEverySdkAccepts() {
        assertEquals("stop", UiMessageDialect.finishReason("end_turn"));
        assertEquals("length", UiMessageDialect.finishReason("max_tokens"));
        assertEquals("tool-calls", UiMessageDialect.finishReason("tool_use"));
        assertEquals("content-filter", UiMessageDialect.finishReason("refusal"));
        assertEquals("other", UiMessageDialect.finishReason("stopped"));
        Dialect.Encoder encoder = UiMessageDialect.INSTANCE.encoder(JSON);
        String refusal = new String(encoder.event(new AnswerEvent.Done("m", "refusal",
                new StopDetails("refusal", "cyber", "Declined."))), StandardCharsets.UTF_8);
        assertTrue(refusal.contains("\"stopDetails\":{\"type\":\"refusal\",\"category\":\"cyber\",\"explanation\":\"Declined.\"}"), refusal);
    }
}
