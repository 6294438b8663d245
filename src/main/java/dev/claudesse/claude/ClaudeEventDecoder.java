package dev.claudesse.claude;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.protocol.EventStreamParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the parsed events of Claude's stream into listener calls. Unknown event types, unknown content
 * block and delta types (server tool results, compaction, what comes next) and tool input are ignored. Usage merges field by field: Claude's counts are cumulative, so a
 * later value replaces an earlier one and is never added to it.
 */
public final class ClaudeEventDecoder implements EventStreamParser.Handler {

    private final ObjectMapper json;
    private final ClaudeStreamListener listener;
    private Usage usage = Usage.NONE;

    public ClaudeEventDecoder(ObjectMapper json, ClaudeStreamListener listener) {
        this.json = json;
        this.listener = listener;
    }

    @Override
    public void onEvent(String type, String data, String lastEventId) {
        switch (type) {
            case "content_block_delta" -> delta(data);
            case "message_start" -> messageStart(read(data).path("message"));
            case "message_delta" -> messageDelta(read(data));
            case "message_stop" -> listener.onMessageStop();
            case "error" -> error(read(data).path("error"));
            default -> {
                // ping, content_block_start/stop and event types added after this was written
            }
        }
    }

    /**
     * The per-delta hot path: reads only delta.type and its text with the streaming parser, building
     * no tree. Fields may come in any order.
     */
    private void delta(String data) {
        String type = null;
        String text = null;
        try (JsonParser parser = json.getFactory().createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedUpstreamException("a delta event that is not a JSON object", null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("delta") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        parser.nextToken();
                        switch (name) {
                            case "type" -> type = parser.getValueAsString();
                            case "text", "thinking" -> text = parser.getValueAsString();
                            default -> parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new MalformedUpstreamException("Claude sent an event that is not JSON", e);
        }
        if (type == null || text == null) {
            return;
        }
        switch (type) {
            case "text_delta" -> listener.onText(text);
            case "thinking_delta" -> listener.onThinking(text);
            default -> {
                // input_json_delta, signature_delta, citations and future delta types carry no visible text
            }
        }
    }

    private void messageStart(JsonNode message) {
        usage = merge(usage, message.path("usage"));
        listener.onMessageStart(message.path("model").asText(null), usage);
    }

    private void messageDelta(JsonNode event) {
        JsonNode delta = event.path("delta");
        String stopReason = delta.path("stop_reason").asText(null);
        if (stopReason != null) {
            JsonNode details = delta.path("stop_details");
            listener.onStopReason(stopReason, details.isObject() ? new StopDetails(details.path("type").asText(null),
                    details.path("category").asText(null), details.path("explanation").asText(null)) : null);
        }
        if (event.has("usage")) {
            usage = merge(usage, event.path("usage"));
            listener.onUsage(usage);
        }
    }

    private void error(JsonNode error) {
        listener.onError(error.path("type").asText("api_error"), error.path("message").asText(""));
    }

    static Usage merge(Usage old, JsonNode u) {
        if (!u.isObject()) {
            return old;
        }
        JsonNode creation = u.path("cache_creation");
        JsonNode iterations = u.path("iterations");
        return new Usage(
                count(u, "input_tokens", old.inputTokens()),
                count(u, "output_tokens", old.outputTokens()),
                count(u, "cache_creation_input_tokens", old.cacheCreationInputTokens()),
                count(creation, "ephemeral_5m_input_tokens", old.cacheCreation5mTokens()),
                count(creation, "ephemeral_1h_input_tokens", old.cacheCreation1hTokens()),
                count(u, "cache_read_input_tokens", old.cacheReadInputTokens()),
                count(u.path("output_tokens_details"), "thinking_tokens", old.thinkingTokens()),
                text(u, "speed", old.speed()),
                text(u, "inference_geo", old.inferenceGeo()),
                iterations.isArray() ? iterations(iterations) : old.iterations());
    }

    /** Each iteration is a usage of its own; its model is null when it is the answer's model. */
    private static List<Usage.Iteration> iterations(JsonNode array) {
        List<Usage.Iteration> out = new ArrayList<>();
        for (JsonNode item : array) {
            out.add(new Usage.Iteration(item.path("type").asText("message"), item.path("model").asText(null),
                    merge(Usage.NONE, item)));
        }
        return out;
    }

    private static long count(JsonNode node, String field, long previous) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asLong() : previous;
    }

    private static String text(JsonNode node, String field, String previous) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : previous;
    }

    private JsonNode read(String data) {
        try {
            return json.readTree(data);
        } catch (IOException e) {
            throw new MalformedUpstreamException("Claude sent an event that is not JSON", e);
        }
    }

    /** Claude's stream broke its own format; the answer ends with an error. */
    public static final class MalformedUpstreamException extends RuntimeException {
        MalformedUpstreamException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
