package dev.claudesse.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claude's own stream relayed as it came, retries kept invisible, and the whole message for stream: false. */
class MessagesDialectTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String START = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"claude-sonnet-5-5\",\"content\":[],\"stop_reason\":null,"
            + "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}";

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void eventsBeforeContentAreHeldThenRelayedWithTheirEventLines() {
        Dialect.Encoder relay = new MessagesDialect(true, "m1").encoder(JSON);
        assertNull(relay.upstream("message_start", START));
        assertNull(relay.upstream("content_block_start", "{\"type\":\"content_block_start\",\"index\":0}"));
        assertNull(relay.upstream("ping", "{\"type\": \"ping\"}"));
        assertNull(relay.event(new AnswerEvent.Start("c", "m1", "claude-sonnet-5-5", false)));

        String first = text(relay.upstream("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé\"}}"));
        assertEquals("event: message_start\ndata: " + START + "\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0}\n\n"
                + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé\"}}\n\n", first);
        assertNull(relay.text("Hé"), "the text goes out once, as Claude's delta");
        assertEquals("event: ping\ndata: {\"type\": \"ping\"}\n\n", text(relay.upstream("ping", "{\"type\": \"ping\"}")));
        assertNull(relay.event(new AnswerEvent.Cost(12, 3, 0, 0, 0, BigDecimal.ONE, "USD", false, "m")));
        assertNull(relay.event(new AnswerEvent.Done("m1", "end_turn", null)));
    }

    @Test
    void aRetryDropsTheFailedAttemptsEventsIncludingClaudesError() {
        Dialect.Encoder relay = new MessagesDialect(true, "m1").encoder(JSON);
        relay.upstream("message_start", START);
        assertNull(relay.upstream("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        assertNull(relay.event(new AnswerEvent.Status("retrying", 1, 50, "overloaded_error")));
        String second = text(relay.upstream("message_start", START.replace("msg_1", "msg_2")));
        assertNull(second);
        String flowing = text(relay.upstream("message_stop", "{\"type\":\"message_stop\"}"));
        assertTrue(flowing.startsWith("event: message_start\ndata: " + START.replace("msg_1", "msg_2")), flowing);
        assertTrue(!flowing.contains("msg_1") && !flowing.contains("overloaded"), flowing);
    }

    @Test
    void aFailureIsClaudesOwnErrorEventOnce() {
        Dialect.Encoder relay = new MessagesDialect(true, "m1").encoder(JSON);
        relay.upstream("message_start", START);
        relay.upstream("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
        String end = text(relay.event(new AnswerEvent.Error("overloaded", "Overloaded", true)));
        assertEquals("event: message_start\ndata: " + START + "\n\nevent: error\ndata: {\"type\":\"error\","
                + "\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", end);

        Dialect.Encoder other = new MessagesDialect(true, "m2").encoder(JSON);
        other.upstream("message_start", START);
        other.upstream("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}");
        String made = text(other.event(new AnswerEvent.Error("shutdown", "The server is shutting down.", true)));
        assertEquals("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"The server is shutting down.\"}}\n\n", made);
        assertNull(other.event(new AnswerEvent.Error("shutdown", "again", true)));
    }

    @Test
    void streamFalseGetsTheWholeMessageWithToolInputThinkingAndFinalUsage() throws Exception {
        Dialect.Encoder whole = new MessagesDialect(false, "m1").encoder(JSON);
        String[][] events = {
            {"message_start", START},
            {"content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"},
            {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me \"}}"},
            {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"see.\"}}"},
            {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig==\"}}"},
            {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"},
            {"content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"},
            {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Weather: \"}}"},
            {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"},
            {"content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}"},
            {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Par\"}}"},
            {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"is\\\"}\"}}"},
            {"content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"},
            {"message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":57}}"},
            {"message_stop", "{\"type\":\"message_stop\"}"},
        };
        for (String[] event : events) {
            assertNull(whole.upstream(event[0], event[1]));
        }
        assertNull(whole.text("Weather: "));
        JsonNode message = JSON.readTree(whole.event(new AnswerEvent.Done("m1", "tool_use", null)));
        assertEquals(200, whole.status());
        assertEquals("msg_1", message.path("id").asText());
        assertEquals("tool_use", message.path("stop_reason").asText());
        assertEquals(12, message.path("usage").path("input_tokens").asInt());
        assertEquals(57, message.path("usage").path("output_tokens").asInt());
        JsonNode content = message.path("content");
        assertEquals(3, content.size());
        assertEquals("Let me see.", content.get(0).path("thinking").asText());
        assertEquals("sig==", content.get(0).path("signature").asText());
        assertEquals("Weather: ", content.get(1).path("text").asText());
        assertEquals("Paris", content.get(2).path("input").path("city").asText());
    }

    @Test
    void streamFalseFailureIsClaudesErrorBodyWithItsStatus() throws Exception {
        Dialect.Encoder whole = new MessagesDialect(false, "m1").encoder(JSON);
        whole.upstream("message_start", START);
        JsonNode error = JSON.readTree(whole.event(new AnswerEvent.Error("rate_limited", "Slow down", true)));
        assertEquals(429, whole.status());
        assertEquals("error", error.path("type").asText());
        assertEquals("rate_limit_error", error.path("error").path("type").asText());
        assertEquals("Slow down", error.path("error").path("message").asText());
    }
}
