package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * One streaming call to Claude's Messages API, already checked against the model's rules.
 * temperature, thinking and effort are null when not set. fields, when not null, are set on the body
 * as they are, over what the other components made (a dialect that passes its client's body on, or adds
 * fields of Claude's such as top_p); stream is always true. headers are sent with the call (anthropic-beta,
 * or an anthropic-version the client asked for), never a key. cache, when not null, is where the request's
 * one prompt-cache breakpoint goes (see {@link PromptCaching}).
 */
public record ClaudeRequest(String model, String system, int maxTokens, Double temperature,
                            Thinking thinking, String effort, List<Message> messages, ObjectNode fields,
                            Map<String, String> headers, CacheBreakpoint cache) {

    /** Where {@code cache_control: {"type": "ephemeral"}} goes: the system prompt, or the last block of one message. */
    public record CacheBreakpoint(int message) {

        /** On the system prompt (sent then as one text block). */
        public static final CacheBreakpoint SYSTEM = new CacheBreakpoint(-1);

        /** On the last content block of messages[index]. */
        public static CacheBreakpoint onMessage(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("a message index is 0 or more");
            }
            return new CacheBreakpoint(index);
        }

        public boolean onSystem() {
            return message < 0;
        }
    }

    public ClaudeRequest(String model, String system, int maxTokens, Double temperature, Thinking thinking,
                         String effort, List<Message> messages, ObjectNode fields, Map<String, String> headers) {
        this(model, system, maxTokens, temperature, thinking, effort, messages, fields, headers, null);
    }

    public ClaudeRequest(String model, String system, int maxTokens, Double temperature, Thinking thinking,
                         String effort, List<Message> messages) {
        this(model, system, maxTokens, temperature, thinking, effort, messages, null, Map.of());
    }

    /** The same request with its prompt-cache breakpoint there (null: none). */
    public ClaudeRequest withCache(CacheBreakpoint breakpoint) {
        return new ClaudeRequest(model, system, maxTokens, temperature, thinking, effort, messages, fields, headers,
                breakpoint);
    }

    public boolean thinkingEnabled() {
        return thinking != null;
    }

    public byte[] toJson(ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        body.put("stream", true);
        if (system != null && !system.isBlank()) {
            if (cache != null && cache.onSystem()) {
                cached(body.putArray("system").addObject().put("type", "text").put("text", system));
            } else {
                body.put("system", system);
            }
        }
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        if (thinking != null && thinking.adaptive()) {
            ObjectNode adaptive = body.putObject("thinking").put("type", "adaptive");
            if (thinking.display() != null) {
                adaptive.put("display", thinking.display());
            }
        } else if (thinking != null) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", thinking.budgetTokens());
        }
        if (effort != null) {
            body.putObject("output_config").put("effort", effort);
        }
        ArrayNode array = body.putArray("messages");
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            // Claude takes no cache_control on a blank text block: such a message keeps its plain shape
            boolean breakpoint = cache != null && cache.message() == i
                    && (!message.text().isBlank() || !message.attachments().isEmpty());
            ObjectNode turn = array.addObject().put("role", message.role());
            if (message.attachments().isEmpty() && !breakpoint) {
                turn.put("content", message.text());
                continue;
            }
            ArrayNode content = turn.putArray("content"); // files first, then the text about them
            ObjectNode last = null;
            for (Attachment file : message.attachments()) {
                last = content.addObject().put("type", file.isImage() ? "image" : "document");
                ObjectNode source = last.putObject("source");
                if (file.url() != null) {
                    source.put("type", "url").put("url", file.url());
                } else {
                    source.put("type", "base64").put("media_type", file.mediaType()).put("data", file.data());
                }
            }
            if (!message.text().isBlank() || message.attachments().isEmpty()) {
                last = content.addObject().put("type", "text").put("text", message.text());
            }
            if (breakpoint) {
                cached(last);
            }
        }
        if (fields != null) {
            body.setAll(fields);
            body.put("stream", true); // the engine always streams; a dialect answers stream: false itself
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void cached(ObjectNode block) {
        block.putObject("cache_control").put("type", "ephemeral"); // 5 minutes, refreshed by every read
    }
}
