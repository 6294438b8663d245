package dev.claudesse.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * OpenAI's Chat Completions (what the `openai` SDKs and the chat UIs built on them read), one instance per
 * answer: it knows whether the client asked for a stream, whether it wants the usage chunk, the model
 * name to echo, the completion's id and its creation time. Streaming: `data: {chat.completion.chunk}`
 * frames, a first one with the assistant's role, text as delta.content, thinking as
 * delta.reasoning_content, a last one with finish_reason, the usage chunk when asked, and `data: [DONE]`.
 * Otherwise one chat.completion object for the whole answer. A failure is OpenAI's error object.
 * docs/frontends.md says what maps to what.
 */
public final class ChatCompletionsDialect implements Dialect {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    // the SDKs parse every data line as JSON and skip comments: a keep-alive has to be a comment
    private static final byte[] KEEP_ALIVE = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final String id;
    private final String model;
    private final long created;
    private final boolean stream;
    private final boolean includeUsage;

    /** created is in epoch seconds; includeUsage matters only when streaming (a whole body always has usage). */
    public ChatCompletionsDialect(String id, String model, long created, boolean stream, boolean includeUsage) {
        this.id = id;
        this.model = model;
        this.created = created;
        this.stream = stream;
        this.includeUsage = includeUsage;
    }

    @Override
    public String name() {
        return "chat-completions";
    }

    @Override
    public Dialect.Encoder encoder(ObjectMapper json) {
        return stream ? new Chunks(json) : new Whole(json);
    }

    @Override
    public byte[] keepAlive() {
        return KEEP_ALIVE;
    }

    @Override
    public boolean streams() {
        return stream;
    }

    /** Claude's stop reason as OpenAI's finish_reason. */
    static String finishReason(String stopReason) {
        return switch (stopReason == null ? "" : stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence, "stopped" (the client left: nobody reads it), pause_turn, what comes next
            default -> "stop";
        };
    }

    /**
     * The HTTP status of a failed answer's whole body, and what a streamed error says it would have been:
     * what OpenAI's clients retry (429, 5xx) only where trying again can help.
     */
    static int httpStatus(String errorType) {
        return switch (errorType) {
            case "overloaded", "shutdown" -> 503;
            case "rate_limited" -> 429;
            case "invalid_request", "request_too_large" -> 400;
            default -> 502; // Claude or the way to it failed, not the client's request
        };
    }

    /** OpenAI's error type for an HTTP status; the product's own type goes into code. */
    static String errorType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_exceeded";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** OpenAI's error body: {"error": {message, type, param, code}}; param is null when no field is to blame. */
    public static ObjectNode error(ObjectMapper json, int status, String code, String message, String param) {
        ObjectNode body = json.createObjectNode();
        body.putObject("error").put("message", message).put("type", errorType(status)).put("param", param)
                .put("code", code);
        return body;
    }

    /** The usage object: Claude's cache reads and writes are part of OpenAI's prompt tokens. */
    static ObjectNode usage(ObjectMapper json, AnswerEvent.Cost cost) {
        long prompt = cost.inputTokens() + cost.cacheReadInputTokens() + cost.cacheCreationInputTokens();
        ObjectNode usage = json.createObjectNode().put("prompt_tokens", prompt)
                .put("completion_tokens", cost.outputTokens())
                .put("total_tokens", prompt + cost.outputTokens());
        usage.putObject("prompt_tokens_details").put("cached_tokens", cost.cacheReadInputTokens());
        usage.putObject("completion_tokens_details").put("reasoning_tokens", cost.thinkingTokens());
        return usage;
    }

    private ObjectNode completion(ObjectMapper json, String object) {
        return json.createObjectNode().put("id", id).put("object", object).put("created", created).put("model", model);
    }

    private static byte[] bytes(ObjectMapper json, ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The streaming encoder: one chat.completion.chunk per event and per delta. */
    private final class Chunks implements Dialect.Encoder {
        private final ObjectMapper json;
        /** Everything of a delta's frame before and after its escaped text, made once per answer. */
        private final byte[] contentHead;
        private final byte[] reasoningHead;
        private final byte[] deltaTail;
        private AnswerEvent.Cost cost;

        Chunks(ObjectMapper json) {
            this.json = json;
            String head = "data: {\"id\":" + quoted(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created
                    + ",\"model\":" + quoted(model) + ",\"choices\":[{\"index\":0,\"delta\":{\"";
            contentHead = (head + "content\":\"").getBytes(StandardCharsets.UTF_8);
            reasoningHead = (head + "reasoning_content\":\"").getBytes(StandardCharsets.UTF_8);
            // with include_usage, OpenAI sends "usage": null on every chunk but the last
            deltaTail = ("\"},\"logprobs\":null,\"finish_reason\":null}]" + (includeUsage ? ",\"usage\":null" : "")
                    + "}\n\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] event(AnswerEvent event) {
            return switch (event) {
                case AnswerEvent.Start start -> {
                    ObjectNode delta = json.createObjectNode().put("role", "assistant").put("content", "");
                    yield frame(chunk(delta, null));
                }
                case AnswerEvent.Status status -> null; // a retry is the server's business; keep-alives cover the wait
                case AnswerEvent.Cost c -> {
                    cost = c; // sent in the usage chunk
                    yield null;
                }
                case AnswerEvent.Done done -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
                    out.writeBytes(frame(chunk(json.createObjectNode(), finishReason(done.stopReason()))));
                    if (includeUsage && cost != null) {
                        ObjectNode last = completion(json, "chat.completion.chunk");
                        last.putArray("choices");
                        last.set("usage", usage(json, cost));
                        out.writeBytes(frame(last));
                    }
                    out.writeBytes(DONE);
                    yield out.toByteArray();
                }
                // no [DONE] after it: [DONE] says the answer is whole; the SDKs throw on the error and stop reading
                case AnswerEvent.Error error ->
                        frame(error(json, httpStatus(error.type()), error.type(), error.message(), null));
            };
        }

        @Override
        public byte[] text(String delta) {
            return delta(contentHead, delta);
        }

        @Override
        public byte[] thinking(String delta) {
            return delta(reasoningHead, delta);
        }

        /** The per-delta hot path: the prebuilt head, the text escaped straight into bytes, the tail. */
        private byte[] delta(byte[] head, String text) {
            byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
            byte[] frame = new byte[head.length + escaped.length + deltaTail.length];
            System.arraycopy(head, 0, frame, 0, head.length);
            System.arraycopy(escaped, 0, frame, head.length, escaped.length);
            System.arraycopy(deltaTail, 0, frame, head.length + escaped.length, deltaTail.length);
            return frame;
        }

        private ObjectNode chunk(ObjectNode delta, String finishReason) {
            ObjectNode chunk = completion(json, "chat.completion.chunk");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.set("delta", delta);
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
            if (includeUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }

        private byte[] frame(ObjectNode node) {
            byte[] data = bytes(json, node);
            byte[] frame = new byte[DATA.length + data.length + 2];
            System.arraycopy(DATA, 0, frame, 0, DATA.length);
            System.arraycopy(data, 0, frame, DATA.length, data.length);
            frame[frame.length - 2] = '\n';
            frame[frame.length - 1] = '\n';
            return frame;
        }

        private String quoted(String value) {
            return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
        }
    }

    /**
     * The encoder of a client that asked for one body (stream false): it keeps the text and returns the
     * whole chat.completion, or the error, for the terminal event; nothing before.
     */
    private final class Whole implements Dialect.Encoder {
        private final ObjectMapper json;
        private final StringBuilder content = new StringBuilder();
        private StringBuilder reasoning;
        private AnswerEvent.Cost cost;
        private int status = 200;

        Whole(ObjectMapper json) {
            this.json = json;
        }

        @Override
        public byte[] event(AnswerEvent event) {
            return switch (event) {
                case AnswerEvent.Start start -> null;
                case AnswerEvent.Status s -> null;
                case AnswerEvent.Cost c -> {
                    cost = c;
                    yield null;
                }
                case AnswerEvent.Done done -> {
                    ObjectNode body = completion(json, "chat.completion");
                    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
                    ObjectNode message = choice.putObject("message").put("role", "assistant")
                            .put("content", content.toString());
                    if (reasoning != null) {
                        message.put("reasoning_content", reasoning.toString());
                    }
                    message.putNull("refusal");
                    choice.putNull("logprobs");
                    choice.put("finish_reason", finishReason(done.stopReason()));
                    if (cost != null) {
                        body.set("usage", usage(json, cost));
                    }
                    yield ended(bytes(json, body));
                }
                case AnswerEvent.Error error -> {
                    status = httpStatus(error.type());
                    yield ended(bytes(json, error(json, status, error.type(), error.message(), null)));
                }
            };
        }

        /** The answer keeps its encoder for the replay window: the log holds the body, so let go of the text. */
        private byte[] ended(byte[] body) {
            content.setLength(0);
            content.trimToSize();
            reasoning = null;
            return body;
        }

        @Override
        public byte[] text(String delta) {
            content.append(delta);
            return null;
        }

        @Override
        public byte[] thinking(String delta) {
            if (reasoning == null) {
                reasoning = new StringBuilder();
            }
            reasoning.append(delta);
            return null;
        }

        @Override
        public int status() {
            return status;
        }
    }
}
