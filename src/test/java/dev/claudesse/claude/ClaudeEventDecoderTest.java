package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClaudeEventDecoderTest {

    private final List<String> calls = new ArrayList<>();
    private Usage lastUsage;
    private final ClaudeEventDecoder decoder = new ClaudeEventDecoder(new ObjectMapper(), new ClaudeStreamListener() {
        public void onMessageStart(String model, Usage usage) {
            calls.add("start " + model);
            lastUsage = usage;
        }

        public void onText(String text) {
            calls.add("text " + text);
        }

        public void onThinking(String text) {
            calls.add("thinking " + text);
        }

        public void onUsage(Usage usage) {
            lastUsage = usage;
        }

        public void onStopReason(String stopReason, StopDetails details) {
            calls.add("stop_reason " + stopReason + (details == null ? "" : " " + details));
        }

        public void onMessageStop() {
            calls.add("message_stop");
        }

        public void onError(String type, String message) {
            calls.add("error " + type + " " + message);
        }
    });

    @Test
    void textAndThinkingDeltasAreTold() {
        decoder.onEvent("content_block_delta", "{\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}", "");
        decoder.onEvent("content_block_delta", "{\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}", "");
        assertEquals(List.of("text Hi", "thinking hmm"), calls);
    }

    @Test
    void toolInputSignaturesAndUnknownThingsAreIgnored() {
        decoder.onEvent("content_block_delta", "{\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\"}}", "");
        decoder.onEvent("content_block_delta", "{\"delta\":{\"type\":\"signature_delta\",\"signature\":\"x\"}}", "");
        decoder.onEvent("content_block_delta", "{\"delta\":{\"type\":\"future_delta\",\"text\":\"no\"}}", "");
        decoder.onEvent("future_event", "{\"whatever\":1}", "");
        decoder.onEvent("ping", "{\"type\":\"ping\"}", "");
        assertEquals(List.of(), calls);
    }

    @Test
    void usageIsCumulativeTheLastValueStands() {
        decoder.onEvent("message_start", "{\"message\":{\"model\":\"m\",\"usage\":{\"input_tokens\":25,"
                + "\"cache_creation_input_tokens\":3000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":1000,"
                + "\"ephemeral_1h_input_tokens\":2000},\"cache_read_input_tokens\":500,\"output_tokens\":1}}}", "");
        decoder.onEvent("message_delta", "{\"delta\":{\"stop_reason\":null},\"usage\":{\"output_tokens\":10}}", "");
        decoder.onEvent("message_delta", "{\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":27}}", "");
        assertEquals(new Usage(25, 27, 3000, 1000, 2000, 500), lastUsage);
        assertEquals(List.of("start m", "stop_reason end_turn"), calls);
    }

    @Test
    void laterInputCountsReplaceEarlierOnes() {
        decoder.onEvent("message_start", "{\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}", "");
        decoder.onEvent("message_delta", "{\"delta\":{},\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}", "");
        assertEquals(new Usage(7, 3, 0, 0, 0, 0), lastUsage);
    }

    @Test
    void aRefusalBringsItsCategoryAndExplanation() {
        decoder.onEvent("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\","
                + "\"stop_sequence\":null,\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\","
                + "\"explanation\":\"Declined.\"}},\"usage\":{\"output_tokens\":4}}", "");
        assertEquals(List.of("stop_reason refusal " + new StopDetails("refusal", "cyber", "Declined.")), calls);
    }

    @Test
    void todaysUsageFieldsAreRead() {
        decoder.onEvent("message_start", "{\"message\":{\"model\":\"claude-opus-5-5\",\"usage\":{\"input_tokens\":10,"
                + "\"output_tokens\":1,\"speed\":\"fast\",\"inference_geo\":\"us\",\"service_tier\":\"standard\"}}}", "");
        decoder.onEvent("message_delta", "{\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":50,"
                + "\"output_tokens_details\":{\"thinking_tokens\":30},\"iterations\":["
                + "{\"type\":\"message\",\"model\":\"claude-opus-5-5\",\"input_tokens\":10,\"output_tokens\":40,"
                + "\"cache_read_input_tokens\":5,\"cache_creation\":{\"ephemeral_1h_input_tokens\":7}},"
                + "{\"type\":\"advisor_message\",\"model\":\"claude-haiku-5-5\",\"input_tokens\":3,\"output_tokens\":10},"
                + "{\"type\":\"compaction\",\"input_tokens\":100,\"output_tokens\":20}]}}", "");
        assertEquals(30, lastUsage.thinkingTokens());
        assertEquals("fast", lastUsage.speed());
        assertEquals("us", lastUsage.inferenceGeo());
        assertEquals(List.of(
                new Usage.Iteration("message", "claude-opus-5-5", new Usage(10, 40, 0, 0, 7, 5)),
                new Usage.Iteration("advisor_message", "claude-haiku-5-5", new Usage(3, 10, 0, 0, 0, 0)),
                new Usage.Iteration("compaction", null, new Usage(100, 20, 0, 0, 0, 0))), lastUsage.iterations());
        assertEquals(50, lastUsage.outputTokens());
    }

    @Test
    void errorEventsAreTold() {
        decoder.onEvent("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", "");
        assertEquals(List.of("error overloaded_error Overloaded"), calls);
    }

    @Test
    void notJsonIsAMalformedStream() {
        assertThrows(ClaudeEventDecoder.MalformedUpstreamException.class,
                () -> decoder.onEvent("content_block_delta", "{nope", ""));
    }
}
