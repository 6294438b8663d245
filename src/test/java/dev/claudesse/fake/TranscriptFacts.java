package dev.claudesse.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What a correct parser must get out of a transcript, worked out with Jackson trees straight from the
 * decoded events. Used to prove that transcripts/README.md tells the truth.
 */
public record TranscriptFacts(String text, String thinking, String signature, String toolInput, String stopReason,
                       Usage usage, String errorType, boolean complete) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static TranscriptFacts of(String transcript) {
        return of(TranscriptReader.read(Script.transcriptBytes(transcript)));
    }

    static TranscriptFacts of(List<TranscriptReader.Event> events) {
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        StringBuilder signature = new StringBuilder();
        StringBuilder toolInput = new StringBuilder();
        String stopReason = null;
        String errorType = null;
        boolean complete = false;
        Usage usage = Usage.NONE;
        for (TranscriptReader.Event event : events) {
            JsonNode data = parse(event.data());
            switch (event.type()) {
                case "message_start" -> usage = overlay(usage, data.path("message").path("usage"));
                case "content_block_delta" -> {
                    JsonNode delta = data.path("delta");
                    switch (delta.path("type").asText()) {
                        case "text_delta" -> text.append(delta.path("text").asText());
                        case "thinking_delta" -> thinking.append(delta.path("thinking").asText());
                        case "signature_delta" -> signature.append(delta.path("signature").asText());
                        case "input_json_delta" -> toolInput.append(delta.path("partial_json").asText());
                        default -> { } // Unknown deltas carry nothing we show.
                    }
                }
                case "message_delta" -> {
                    if (!data.path("delta").path("stop_reason").isNull()) {
                        stopReason = data.path("delta").path("stop_reason").asText();
                    }
                    usage = overlay(usage, data.path("usage"));
                }
                case "message_stop" -> complete = true;
                case "error" -> errorType = data.path("error").path("type").asText();
                default -> { } // ping, content_block_start/stop and unknown events.
            }
        }
        return new TranscriptFacts(text.toString(), thinking.toString(), signature.toString(), toolInput.toString(),
                stopReason, usage, errorType, complete);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /** Claude's counts are cumulative: a field present in a later report replaces the earlier value. */
    private static Usage overlay(Usage u, JsonNode n) {
        JsonNode cache = n.path("cache_creation");
        return new Usage(
                n.path("input_tokens").asLong(u.inputTokens()),
                n.path("output_tokens").asLong(u.outputTokens()),
                n.path("cache_creation_input_tokens").asLong(u.cacheCreationInputTokens()),
                cache.path("ephemeral_5m_input_tokens").asLong(u.cacheCreation5mTokens()),
                cache.path("ephemeral_1h_input_tokens").asLong(u.cacheCreation1hTokens()),
                n.path("cache_read_input_tokens").asLong(u.cacheReadInputTokens()));
    }
}
