package dev.claudesse.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatCompletionsDialectTest {

    private static final ObjectMapper JSON = dev.claudesse.web.Json.MAPPER;
    private static final String HEAD = "{\"id\":\"chatcmpl-m1\",\"object\":\"chat.completion.chunk\",\"created\":1764493200,"
            + "\"model\":\"claude-sonnet-5-5\",\"choices\":[{\"index\":0,\"delta\":";
    /** cache_usage's figures: 12 input, 60 output, 3000 written to the cache, 500 read from it; 7 of thinking. */
    private static final AnswerEvent.Cost COST = new AnswerEvent.Cost(12, 60, 3000, 500, 7,
            new BigDecimal("0.01"), "USD", false, "claude-sonnet-5-5");

    private static ChatCompletionsDialect dialect(boolean stream, boolean includeUsage) {
        return new ChatCompletionsDialect("chatcmpl-m1", "claude-sonnet-5-5", 1764493200L, stream, includeUsage);
    }

    /** The data of each frame, in order; "[DONE]" for the end marker. Every other one is one line of JSON. */
    private static List<String> frames(List<byte[]> encoded) throws Exception {
        StringBuilder wire = new StringBuilder();
        encoded.stream().filter(b -> b != null).forEach(b -> wire.append(new String(b, StandardCharsets.UTF_8)));
        assertTrue(wire.toString().endsWith("\n\n"), wire.toString());
        List<String> out = new ArrayList<>();
        for (String frame : wire.toString().split("\n\n")) {
            assertTrue(frame.startsWith("data: ") && !frame.contains("\n"), "not a one-line data frame: " + frame);
            String data = frame.substring(6);
            if (!data.equals("[DONE]")) {
                JSON.readTree(data);
            }
            out.add(data);
        }
        return out;
    }

    @Test
    void aStreamedAnswerIsChunksInOpenAisOrder() throws Exception {
        Dialect.Encoder encoder = dialect(true, false).encoder(JSON);
        assertNull(encoder.event(new AnswerEvent.Status("retrying", 1, 500, "overloaded_error")));
        List<String> frames = frames(Arrays.asList(
                encoder.event(new AnswerEvent.Start("c1", "m1", "claude-sonnet-5-5", false)),
                encoder.thinking("Let me see."),
                encoder.text("Héllo \"wörld\" 👋\n"), encoder.text("!"),
                encoder.event(COST),
                encoder.event(new AnswerEvent.Done("m1", "end_turn", null))));
        String tail = ",\"logprobs\":null,\"finish_reason\":null}]}";
        assertEquals(List.of(
                HEAD + "{\"role\":\"assistant\",\"content\":\"\"}" + tail,
                HEAD + "{\"reasoning_content\":\"Let me see.\"}" + tail,
                HEAD + "{\"content\":\"Héllo \\\"wörld\\\" 👋\\n\"}" + tail,
                HEAD + "{\"content\":\"!\"}" + tail,
                HEAD + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
                "[DONE]"), frames);
    }

    @Test
    void includeUsageAddsAUsageChunkAndNullUsageElsewhere() throws Exception {
        Dialect.Encoder encoder = dialect(true, true).encoder(JSON);
        List<String> frames = frames(Arrays.asList(
                encoder.event(new AnswerEvent.Start("c1", "m1", "claude-sonnet-5-5", false)),
                encoder.text("Cached."),
                encoder.event(COST),
                encoder.event(new AnswerEvent.Done("m1", "max_tokens", null))));
        assertEquals(5, frames.size(), frames.toString());
        for (String chunk : frames.subList(0, 3)) {
            JsonNode node = JSON.readTree(chunk);
            assertTrue(node.has("usage") && node.get("usage").isNull(), chunk);
        }
        assertEquals("length", JSON.readTree(frames.get(2)).at("/choices/0/finish_reason").asText());
        JsonNode usage = JSON.readTree(frames.get(3));
        assertEquals("chat.completion.chunk", usage.path("object").asText());
        assertEquals("chatcmpl-m1", usage.path("id").asText());
        assertEquals(0, usage.path("choices").size());
        assertEquals(JSON.readTree("{\"prompt_tokens\":3512,\"completion_tokens\":60,\"total_tokens\":3572,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":500},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":7}}"), usage.get("usage"));
        assertEquals("[DONE]", frames.get(4));
    }

    @Test
    void anErrorAfterTheStreamBeganIsOneErrorFrameWithoutDone() throws Exception {
        Dialect.Encoder encoder = dialect(true, true).encoder(JSON);
        List<String> frames = frames(Arrays.asList(
                encoder.event(new AnswerEvent.Start("c1", "m1", "claude-sonnet-5-5", false)),
                encoder.text("Half"),
                encoder.event(new AnswerEvent.Error("overloaded", "Claude is overloaded.", true))));
        assertEquals(3, frames.size());
        assertEquals(JSON.readTree("{\"error\":{\"message\":\"Claude is overloaded.\",\"type\":\"server_error\","
                + "\"param\":null,\"code\":\"overloaded\"}}"), JSON.readTree(frames.get(2)));
    }

    @Test
    void aWholeBodyIsOneChatCompletionForTheEnd() throws Exception {
        ChatCompletionsDialect dialect = dialect(false, false);
        assertFalse(dialect.streams());
        Dialect.Encoder encoder = dialect.encoder(JSON);
        assertNull(encoder.event(new AnswerEvent.Start("c1", "m1", "claude-sonnet-5-5", false)));
        assertNull(encoder.thinking("Hmm. "));
        assertNull(encoder.thinking("Yes."));
        assertNull(encoder.text("Hello, "));
        assertNull(encoder.text("world."));
        assertNull(encoder.event(COST));
        JsonNode body = JSON.readTree(encoder.event(new AnswerEvent.Done("m1", "refusal", null)));
        assertEquals(200, encoder.status());
        assertEquals(JSON.readTree("{\"id\":\"chatcmpl-m1\",\"object\":\"chat.completion\",\"created\":1764493200,"
                + "\"model\":\"claude-sonnet-5-5\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello, world.\",\"reasoning_content\":\"Hmm. Yes.\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":\"content_filter\"}],\"usage\":{\"prompt_tokens\":3512,"
                + "\"completion_tokens\":60,\"total_tokens\":3572,\"prompt_tokens_details\":{\"cached_tokens\":500},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":7}}}"), body);
    }

    @Test
    void aWholeBodyFailureIsOpenAisErrorWithAStatusClientsRetryWhenItHelps() throws Exception {
        for (String[] c : new String[][]{{"overloaded", "503", "server_error"}, {"rate_limited", "429", "rate_limit_exceeded"},
                {"invalid_request", "400", "invalid_request_error"}, {"upstream_dropped", "502", "server_error"},
                {"shutdown", "503", "server_error"}}) {
            Dialect.Encoder encoder = dialect(false, false).encoder(JSON);
            encoder.text("Lost text.");
            JsonNode body = JSON.readTree(encoder.event(new AnswerEvent.Error(c[0], "It failed.", true)));
            assertEquals(Integer.parseInt(c[1]), encoder.status(), c[0]);
            assertEquals(c[2], body.at("/error/type").asText(), c[0]);
            assertEquals(c[0], body.at("/error/code").asText());
            assertEquals("It failed.", body.at("/error/message").asText());
            assertTrue(body.at("/error/param").isNull());
        }
    }

    @Test
    void stopReasonsMapToFinishReasons() {
        assertEquals("stop", ChatCompletionsDialect.finishReason("end_turn"));
        assertEquals("stop", ChatCompletionsDialect.finishReason("stop_sequence"));
        assertEquals("length", ChatCompletionsDialect.finishReason("max_tokens"));
        assertEquals("length", ChatCompletionsDialect.finishReason("model_context_window_exceeded"));
        assertEquals("tool_calls", ChatCompletionsDialect.finishReason("tool_use"));
        assertEquals("content_filter", ChatCompletionsDialect.finishReason("refusal"));
        assertEquals("stop", ChatCompletionsDialect.finishReason("stopped"));
        assertEquals("stop", ChatCompletionsDialect.finishReason("pause_turn"));
        assertEquals("stop", ChatCompletionsDialect.finishReason(null));
    }

    @Test
    void refusalsBeforeTheStreamUseOpenAisTypes() {
        assertEquals("invalid_request_error", ChatCompletionsDialect.errorType(400));
        assertEquals("authentication_error", ChatCompletionsDialect.errorType(401));
        assertEquals("permission_error", ChatCompletionsDialect.errorType(403));
        assertEquals("not_found_error", ChatCompletionsDialect.errorType(404));
        assertEquals("invalid_request_error", ChatCompletionsDialect.errorType(413));
        assertEquals("invalid_request_error", ChatCompletionsDialect.errorType(415));
        assertEquals("rate_limit_exceeded", ChatCompletionsDialect.errorType(429));
        assertEquals("server_error", ChatCompletionsDialect.errorType(503));
    }

    @Test
    void keepAlivesAreCommentsTheSdksSkip() {
        ChatCompletionsDialect dialect = dialect(true, false);
        assertArrayEquals(": ping\n\n".getBytes(StandardCharsets.US_ASCII), dialect.keepAlive());
        assertEquals(0, dialect.opening().length);
        assertTrue(dialect.headers().isEmpty());
        assertTrue(dialect.streams());
    }
}
