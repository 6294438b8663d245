package dev.claudesse.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the message Claude's non-streaming API would have returned from the events of its stream: the
 * message of message_start, each content block from its start and its deltas (text, thinking and its
 * signature, a tool's input JSON, citations), then message_delta's stop reason and usage. Delta types it
 * does not know are left out, as the engine leaves them out of the saved text.
 */
final class MessageAssembler {

    private final ObjectMapper json;
    private ObjectNode message;
    private final Map<Integer, StringBuilder> toolInput = new HashMap<>();

    MessageAssembler(ObjectMapper json) {
        this.json = json;
    }

    /** Starts again: a retried call streams a new message. */
    void reset() {
        message = null;
        toolInput.clear();
    }

    void accept(String type, String data) {
        switch (type) {
            case "message_start" -> {
                JsonNode start = read(data).path("message");
                message = start.isObject() ? (ObjectNode) start : json.createObjectNode();
                if (!message.path("content").isArray()) {
                    message.putArray("content");
                }
            }
            case "content_block_start" -> {
                JsonNode event = read(data);
                JsonNode block = event.path("content_block");
                if (message != null && block.isObject()) {
                    put(event.path("index").asInt(), (ObjectNode) block);
                }
            }
            case "content_block_delta" -> delta(read(data));
            case "content_block_stop" -> stop(read(data).path("index").asInt());
            case "message_delta" -> messageDelta(read(data));
            default -> {
                // ping, message_stop, error (the engine reports it) and event types added later
            }
        }
    }

    /** The whole message; null when no message_start came. */
    ObjectNode message() {
        return message;
    }

    private void put(int index, ObjectNode block) {
        ArrayNode content = (ArrayNode) message.get("content");
        while (content.size() <= index) {
            content.addNull();
        }
        content.set(index, block);
    }

    private ObjectNode block(int index) {
        if (message == null) {
            return null;
        }
        JsonNode block = message.path("content").path(index);
        return block.isObject() ? (ObjectNode) block : null;
    }

    private void delta(JsonNode event) {
        int index = event.path("index").asInt();
        ObjectNode block = block(index);
        JsonNode delta = event.path("delta");
        if (block == null) {
            return;
        }
        switch (delta.path("type").asText("")) {
            case "text_delta" -> append(block, "text", delta.path("text").asText(""));
            case "thinking_delta" -> append(block, "thinking", delta.path("thinking").asText(""));
            case "signature_delta" -> append(block, "signature", delta.path("signature").asText(""));
            case "input_json_delta" -> toolInput.computeIfAbsent(index, i -> new StringBuilder())
                    .append(delta.path("partial_json").asText(""));
            case "citations_delta" -> {
                JsonNode citations = block.get("citations");
                ArrayNode list = citations instanceof ArrayNode array ? array : block.putArray("citations");
                list.add(delta.path("citation"));
            }
            default -> {
                // a delta type this version does not know
            }
        }
    }

    private static void append(ObjectNode block, String field, String piece) {
        block.put(field, block.path(field).asText("") + piece);
    }

    /** A tool's input arrives as pieces of JSON text; the block holds the parsed object. */
    private void stop(int index) {
        StringBuilder input = toolInput.remove(index);
        ObjectNode block = block(index);
        if (input == null || block == null) {
            return;
        }
        block.set("input", input.isEmpty() ? json.createObjectNode() : read(input.toString()));
    }

    private void messageDelta(JsonNode event) {
        if (message == null) {
            return;
        }
        JsonNode delta = event.path("delta");
        if (delta.isObject()) {
            message.setAll((ObjectNode) delta);
        }
        JsonNode usage = event.path("usage");
        if (usage.isObject()) {
            JsonNode old = message.get("usage");
            ObjectNode merged = old instanceof ObjectNode o ? o : message.putObject("usage");
            // Claude's counts are cumulative: a later value replaces an earlier one
            usage.properties().forEach(field -> {
                if (!field.getValue().isNull()) {
                    merged.set(field.getKey(), field.getValue());
                }
            });
        }
    }

    private JsonNode read(String data) {
        try {
            return json.readTree(data);
        } catch (IOException e) {
            return json.createObjectNode(); // the engine reports a malformed stream itself
        }
    }
}
