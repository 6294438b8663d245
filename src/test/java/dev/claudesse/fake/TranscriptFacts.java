package dev.claudesse.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a correct parser must get out of a transcript, worked out with Jackson trees straight from the
 * decoded events. Used to prove that transcripts/README.md tells the truth.
 *
 * <p>The usage fields of today's Claude (thinking tokens, speed, geo, tier, iterations) are kept here
 * apart from {@link Usage}, so these facts do not lean on how the product chooses to model them.
 *
 * @param usage          the six classic counts
 * @param thinkingTokens {@code output_tokens_details.thinking_tokens}, 0 when never reported
 * @param speed          {@code usage.speed}, null when never reported; likewise inferenceGeo and serviceTier
 * @param iterations     the last {@code usage.iterations} reported, empty when none
 * @param stopDetails    the {@code stop_details} that came with the stop reason, or null
 * @param blockTypes     the type of each content block, in the order the blocks started
 */
public record TranscriptFacts(String text, String thinking, String signature, String toolInput, String stopReason,
                              Usage usage, String errorType, boolean complete, long thinkingTokens, String speed,
                              String inferenceGeo, String serviceTier, List<Iteration> iterations,
                              StopDetails stopDetails, List<String> blockTypes) {

    /** One item of {@code usage.iterations}; its counts in the six classic fields. */
    public record Iteration(String type, String model, Usage usage) {
    }

    /** Why Claude stopped, beyond the stop reason (a refusal's category and explanation). */
    public record StopDetails(String type, String category, String explanation) {
    }

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
        ServiceFacts service = new ServiceFacts();
        StopDetails stopDetails = null;
        List<String> blockTypes = new ArrayList<>();
        for (TranscriptReader.Event event : events) {
            JsonNode data = parse(event.data());
            switch (event.type()) {
                case "message_start" -> {
                    usage = overlay(usage, data.path("message").path("usage"));
                    service.report(data.path("message").path("usage"));
                }
                case "content_block_start" -> blockTypes.add(data.path("content_block").path("type").asText());
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
                    JsonNode details = data.path("delta").path("stop_details");
                    if (details.isObject()) {
                        stopDetails = new StopDetails(details.path("type").asText(null),
                                details.path("category").asText(null), details.path("explanation").asText(null));
                    }
                    usage = overlay(usage, data.path("usage"));
                    service.report(data.path("usage"));
                }
                case "message_stop" -> complete = true;
                case "error" -> errorType = data.path("error").path("type").asText();
                default -> { } // ping, content_block_stop and unknown events.
            }
        }
        return new TranscriptFacts(text.toString(), thinking.toString(), signature.toString(), toolInput.toString(),
                stopReason, usage, errorType, complete, service.thinkingTokens, service.speed, service.inferenceGeo,
                service.serviceTier, service.iterations, stopDetails, List.copyOf(blockTypes));
    }

    /** The newer usage fields, overlaid report by report like the counts. */
    private static final class ServiceFacts {
        long thinkingTokens;
        String speed;
        String inferenceGeo;
        String serviceTier;
        List<Iteration> iterations = List.of();

        void report(JsonNode n) {
            thinkingTokens = n.path("output_tokens_details").path("thinking_tokens").asLong(thinkingTokens);
            speed = n.path("speed").asText(speed);
            inferenceGeo = n.path("inference_geo").asText(inferenceGeo);
            serviceTier = n.path("service_tier").asText(serviceTier);
            if (n.path("iterations").isArray()) {
                List<Iteration> items = new ArrayList<>();
                n.path("iterations").forEach(i -> items.add(
                        new Iteration(i.path("type").asText(), i.path("model").asText(null), overlay(Usage.NONE, i))));
                iterations = List.copyOf(items);
            }
        }
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
