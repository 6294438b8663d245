package dev.claudesse.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Claude's own Messages API (POST v1/messages), for clients built on the official SDKs. A stream is
 * Claude's, relayed event by event with its event: lines (the SDKs drop events without one), so the SDKs
 * read it as they read Claude; stream: false gets the message Claude's non-streaming call returns. The
 * engine's own events (start, status, cost, done) are not sent: the SDKs know none of them.
 *
 * <p>Retries stay invisible: the events before the first content (message_start, content_block_start,
 * pings, an error) are held back until content flows, and dropped when the engine retries.
 */
public final class MessagesDialect implements Dialect {

    private static final byte[] KEEP_ALIVE = "event: ping\ndata: {\"type\": \"ping\"}\n\n"
            .getBytes(StandardCharsets.UTF_8);

    private final boolean stream;
    private final String requestId;

    /** requestId is sent as the request-id header, as Claude does: here the stored answer's id. */
    public MessagesDialect(boolean stream, String requestId) {
        this.stream = stream;
        this.requestId = requestId;
    }

    @Override
    public String name() {
        return "messages";
    }

    @Override
    public Dialect.Encoder encoder(ObjectMapper json) {
        return stream ? new Relay(json) : new Whole(json);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("request-id", requestId);
    }

    @Override
    public byte[] keepAlive() {
        return stream ? KEEP_ALIVE : NOTHING;
    }

    @Override
    public boolean streams() {
        return stream;
    }

    /** Claude's error body: {"type": "error", "error": {"type", "message"}}. */
    static ObjectNode errorBody(ObjectMapper json, ClaudeError error, String message) {
        ObjectNode body = json.createObjectNode().put("type", "error");
        body.putObject("error").put("type", error.type()).put("message", message);
        return body;
    }

    /** Claude's error type and HTTP status for an answer that failed with one of the engine's error types. */
    record ClaudeError(String type, int status) {

        static ClaudeError of(String engineType) {
            return switch (engineType) {
                case "invalid_request" -> new ClaudeError("invalid_request_error", 400);
                case "permission_denied", "permission" -> new ClaudeError("permission_error", 403);
                case "not_found" -> new ClaudeError("not_found_error", 404);
                case "request_too_large" -> new ClaudeError("request_too_large", 413);
                case "rate_limited", "rate_limit" -> new ClaudeError("rate_limit_error", 429);
                case "overloaded" -> new ClaudeError("overloaded_error", 529);
                case "upstream_timeout", "timeout" -> new ClaudeError("timeout_error", 504);
                case "shutdown" -> new ClaudeError("overloaded_error", 503); // the SDKs retry it, elsewhere
                case "internal_error" -> new ClaudeError("api_error", 500);
                // the server's key refused, Claude unreachable or failing: not the caller's fault
                default -> new ClaudeError("api_error", 502);
            };
        }
    }

    /** The stream: Claude's events as they came, the first ones held until content flows. */
    static final class Relay implements Dialect.Encoder {

        private final ObjectMapper json;
        private final List<byte[]> held = new ArrayList<>();
        private boolean flowing;
        private boolean errorHeld;
        private boolean errorSent;

        Relay(ObjectMapper json) {
            this.json = json;
        }

        @Override
        public byte[] upstream(String type, String data) {
            byte[] frame = frame(type, data);
            boolean content = switch (type) {
                case "content_block_delta", "content_block_stop", "message_delta", "message_stop" -> true;
                default -> false;
            };
            if (flowing || content) {
                flowing = true;
                errorSent |= type.equals("error");
                return release(frame);
            }
            errorHeld |= type.equals("error");
            held.add(frame); // a retry may still replace this attempt
            return null;
        }

        @Override
        public byte[] event(AnswerEvent event) {
            return switch (event) {
                case AnswerEvent.Status status -> {
                    held.clear(); // the engine tries again: the failed attempt's events never happened
                    errorHeld = false;
                    yield null;
                }
                case AnswerEvent.Error error -> {
                    if (errorSent) {
                        yield null;
                    }
                    errorSent = true;
                    if (errorHeld) {
                        yield release(null); // Claude's own error event, after what came before it
                    }
                    String body = write(errorBody(json, ClaudeError.of(error.type()), error.message()));
                    yield release(frame("error", body));
                }
                case AnswerEvent.Done done -> release(null);
                default -> null; // start and cost: the engine's, not Claude's
            };
        }

        @Override
        public byte[] text(String delta) {
            return null; // relayed as Claude's content_block_delta
        }

        @Override
        public byte[] thinking(String delta) {
            return null;
        }

        private byte[] release(byte[] frame) {
            if (held.isEmpty()) {
                return frame;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            held.forEach(out::writeBytes);
            held.clear();
            if (frame != null) {
                out.writeBytes(frame);
            }
            return out.toByteArray();
        }

        private String write(ObjectNode node) {
            try {
                return json.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A delta's frame starts the same every time: built once, not per delta. */
        private static final byte[] DELTA_HEAD = "event: content_block_delta\ndata: ".getBytes(StandardCharsets.UTF_8);
        private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

        /** The event as Claude framed it; a data value of several lines keeps one data: line each. */
        static byte[] frame(String type, String data) {
            String lines = data.indexOf('\n') < 0 ? data : data.replace("\n", "\ndata: ");
            byte[] head = type.equals("content_block_delta") ? DELTA_HEAD
                    : ("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8);
            byte[] body = lines.getBytes(StandardCharsets.UTF_8);
            byte[] frame = new byte[head.length + body.length + END.length];
            System.arraycopy(head, 0, frame, 0, head.length);
            System.arraycopy(body, 0, frame, head.length, body.length);
            System.arraycopy(END, 0, frame, head.length + body.length, END.length);
            return frame;
        }
    }

    /** stream: false: nothing until the end, then the whole message (or Claude's error) with its status. */
    static final class Whole implements Dialect.Encoder {

        private final ObjectMapper json;
        private final MessageAssembler message;
        private int status = 200;

        Whole(ObjectMapper json) {
            this.json = json;
            this.message = new MessageAssembler(json);
        }

        @Override
        public byte[] upstream(String type, String data) {
            message.accept(type, data);
            return null;
        }

        @Override
        public byte[] event(AnswerEvent event) {
            return switch (event) {
                case AnswerEvent.Status s -> {
                    message.reset();
                    yield null;
                }
                case AnswerEvent.Done done when message.message() != null -> bytes(message.message());
                case AnswerEvent.Done done -> error(new AnswerEvent.Error("upstream_error",
                        "Claude's answer ended before it began.", true));
                case AnswerEvent.Error error -> error(error);
                default -> null;
            };
        }

        private byte[] error(AnswerEvent.Error error) {
            ClaudeError mapped = ClaudeError.of(error.type());
            status = mapped.status();
            return bytes(errorBody(json, mapped, error.message()));
        }

        @Override
        public byte[] text(String delta) {
            return null;
        }

        @Override
        public byte[] thinking(String delta) {
            return null;
        }

        @Override
        public int status() {
            return status;
        }

        private byte[] bytes(ObjectNode node) {
            try {
                return json.writeValueAsBytes(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
