package dev.claudesse.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The AI SDK's UI message stream (what `useChat` with `DefaultChatTransport` reads): `data: {json}` frames
 * with no ids, `start` and `start-step` first, text and reasoning in blocks opened with `*-start` and closed
 * with `*-end`, then `finish-step`, `finish` with the cost as message metadata, and `data: [DONE]`. Checked
 * against the `ai` package 7.0.173 and 6.0.326 (docs/frontends.md). The SDK kills its stream on a chunk
 * its schema does not know, so keep-alives are comments, and retries are transient `data-status` parts.
 */
public final class UiMessageDialect implements Dialect {

    public static final UiMessageDialect INSTANCE = new UiMessageDialect();

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_END = "\"}\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

    private UiMessageDialect() {
    }

    @Override
    public String name() {
        return "ui-message";
    }

    @Override
    public Dialect.Encoder encoder(ObjectMapper json) {
        return new Encoder(json);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("x-vercel-ai-ui-message-stream", "v1");
    }

    @Override
    public byte[] keepAlive() {
        return KEEP_ALIVE;
    }

    /** Claude's stop reason as the SDK's finishReason; values every SDK version since 5 accepts. */
    static String finishReason(String stopReason) {
        return switch (stopReason == null ? "" : stopReason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool-calls";
            case "refusal" -> "content-filter";
            default -> "other"; // "stopped" by the user, pause_turn, what comes next
        };
    }

    private static final class Encoder implements Dialect.Encoder {
        private final ObjectMapper json;
        /** "text", "reasoning" or null: the block a delta goes into, opened and closed around Claude's blocks. */
        private String open;
        private int blocks;
        /** `data: {"type":"text-delta","id":"b3","delta":"` of the open block, made once per block. */
        private byte[] deltaHead;
        private ObjectNode costMetadata;

        Encoder(ObjectMapper json) {
            this.json = json;
        }

        @Override
        public byte[] event(AnswerEvent event) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            switch (event) {
                case AnswerEvent.Start start -> {
                    ObjectNode chunk = json.createObjectNode().put("type", "start").put("messageId", start.messageId());
                    chunk.putObject("messageMetadata").put("conversationId", start.conversationId())
                            .put("model", start.model()).put("demo", start.demo());
                    write(out, chunk);
                    write(out, json.createObjectNode().put("type", "start-step"));
                }
                case AnswerEvent.Status status -> {
                    ObjectNode chunk = json.createObjectNode().put("type", "data-status").put("transient", true);
                    chunk.set("data", json.valueToTree(status));
                    write(out, chunk);
                }
                case AnswerEvent.Cost cost -> costMetadata = json.valueToTree(cost); // sent with finish
                case AnswerEvent.Done done -> {
                    closeBlock(out);
                    write(out, json.createObjectNode().put("type", "finish-step"));
                    ObjectNode chunk = json.createObjectNode().put("type", "finish")
                            .put("finishReason", finishReason(done.stopReason()));
                    ObjectNode metadata = chunk.putObject("messageMetadata");
                    if (costMetadata != null) {
                        metadata.setAll(costMetadata);
                    }
                    metadata.put("stopReason", done.stopReason());
                    if (done.stopDetails() != null) {
                        metadata.set("stopDetails", json.valueToTree(done.stopDetails()));
                    }
                    write(out, chunk);
                    out.writeBytes(DONE);
                }
                case AnswerEvent.Error error -> {
                    closeBlock(out);
                    write(out, json.createObjectNode().put("type", "error").put("errorText", error.message()));
                    out.writeBytes(DONE);
                }
            }
            return out.toByteArray();
        }

        @Override
        public byte[] text(String delta) {
            return delta("text", delta);
        }

        @Override
        public byte[] thinking(String delta) {
            return delta("reasoning", delta);
        }

        private byte[] delta(String kind, String delta) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(delta.length() + 64);
            if (!kind.equals(open)) {
                closeBlock(out);
                open = kind;
                blocks++;
                write(out, json.createObjectNode().put("type", kind + "-start").put("id", blockId()));
                deltaHead = ("data: {\"type\":\"" + kind + "-delta\",\"id\":\"" + blockId() + "\",\"delta\":\"")
                        .getBytes(StandardCharsets.US_ASCII);
            }
            // the per-delta hot path: escaped straight into bytes, no JSON tree
            out.writeBytes(deltaHead);
            out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(delta));
            out.writeBytes(DELTA_END);
            return out.toByteArray();
        }

        private void closeBlock(ByteArrayOutputStream out) {
            if (open != null) {
                write(out, json.createObjectNode().put("type", open + "-end").put("id", blockId()));
                open = null;
            }
        }

        private String blockId() {
            return "b" + blocks;
        }

        private void write(ByteArrayOutputStream out, ObjectNode chunk) {
            try {
                out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(json.writeValueAsBytes(chunk));
                out.write('\n');
                out.write('\n');
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
