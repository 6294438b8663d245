package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.claude.HttpUpstream;
import dev.claudesse.claude.Message;
import dev.claudesse.claude.Thinking;
import dev.claudesse.config.Settings;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelSpec;
import dev.claudesse.protocol.Utf16;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.claudesse.web.ChatRequestReader.invalid;

/**
 * Reads a body of Claude's Messages API as the official SDKs send it. Only what the product answers for is
 * checked here: the model's allow-list, max_tokens against the server's and the model's limit, the shape
 * of messages (to save the question); the rest goes to Claude as sent, and Claude judges it.
 */
final class MessagesRequestReader {

    /** Versions of Claude's API a client may ask for; another is replaced by the product's own. */
    static final Set<String> KNOWN_VERSIONS = Set.of(HttpUpstream.API_VERSION);
    private static final Pattern BETA = Pattern.compile("[A-Za-z0-9._-]+( *, *[A-Za-z0-9._-]+)*");
    private static final int MAX_BETA_LENGTH = 1000;

    private final Settings settings;
    private final ModelPolicy models;

    MessagesRequestReader(Settings settings, ModelPolicy models) {
        this.settings = settings;
        this.models = models;
    }

    /** A checked call: its fields go to Claude as sent; question is the last user message's text, for the store. */
    record MessagesRequest(String model, int maxTokens, boolean stream, Thinking thinking, String question,
                           List<Message> turns, ObjectNode fields, Map<String, String> headers) {
    }

    MessagesRequest parse(JsonNode root, HttpServletRequest req) {
        String model = ChatRequestReader.text(root, "model");
        if (model == null || model.isBlank()) {
            throw invalid("invalid_request", "model: Field required.");
        }
        ModelPolicy.Refusal refusal = models.refusal(model);
        if (refusal != null) {
            throw invalid(refusal.type(), refusal.message());
        }
        int maxTokens = maxTokens(root.get("max_tokens"), models.table().find(model));
        JsonNode stream = root.get("stream");
        if (stream != null && !stream.isBoolean() && !stream.isNull()) {
            throw invalid("invalid_request", "stream: must be true or false.");
        }
        List<Message> turns = turns(root.get("messages"));
        String question = turns.stream().filter(t -> t.role().equals("user")).reduce((a, b) -> b)
                .map(Message::text).orElseThrow(() -> invalid("invalid_request",
                        "messages: there must be a user message."));
        JsonNode thinking = root.path("thinking");
        String thinkingType = thinking.path("type").asText("disabled");
        Thinking marker = thinkingType.equals("adaptive") ? Thinking.adaptive(null)
                : thinkingType.equals("enabled") ? Thinking.budget(thinking.path("budget_tokens").asInt()) : null;
        ObjectNode fields = ((ObjectNode) root).deepCopy();
        fields.remove("stream");
        return new MessagesRequest(model, maxTokens, stream != null && stream.asBoolean(), marker, question,
                turns, fields, headers(req));
    }

    private int maxTokens(JsonNode value, ModelSpec spec) {
        int limit = settings.maxTokensLimit();
        if (spec != null && spec.maxOutputTokens() != null) {
            limit = Math.min(limit, spec.maxOutputTokens());
        }
        if (value == null || !value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > limit) {
            throw invalid("invalid_request", "max_tokens: must be a whole number from 1 to " + limit + ".");
        }
        return value.asInt();
    }

    /**
     * The conversation as text turns: what is saved of the question, and what the demo upstream answers.
     * Blocks other than text (images, documents, tool use and results) are named in brackets.
     */
    private static List<Message> turns(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalid("invalid_request", "messages: must be a non-empty list.");
        }
        List<Message> turns = new ArrayList<>();
        for (JsonNode message : messages) {
            String role = message.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw invalid("invalid_request", "messages: a role must be user or assistant, not \"" + role + "\".");
            }
            turns.add(new Message(role, text(message.get("content")), List.of()));
        }
        return turns;
    }

    private static String text(JsonNode content) {
        if (content != null && content.isTextual()) {
            return Utf16.wellFormed(content.asText());
        }
        if (content == null || !content.isArray()) {
            throw invalid("invalid_request", "messages: content must be a string or a list of blocks.");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            String type = block.path("type").asText("");
            if (type.isEmpty()) {
                throw invalid("invalid_request", "messages: every content block needs a type.");
            }
            if (!text.isEmpty()) {
                text.append("\n\n");
            }
            text.append(type.equals("text") ? Utf16.wellFormed(block.path("text").asText("")) : "[" + type + "]");
        }
        return text.toString();
    }

    /** anthropic-beta goes on when well formed; anthropic-version when it is one the product knows. */
    private static Map<String, String> headers(HttpServletRequest req) {
        Map<String, String> headers = new LinkedHashMap<>();
        String beta = req.getHeader("anthropic-beta");
        if (beta != null && !beta.isBlank()) {
            if (beta.length() > MAX_BETA_LENGTH || !BETA.matcher(beta.strip()).matches()) {
                throw invalid("invalid_request", "anthropic-beta: a comma-separated list of beta names.");
            }
            headers.put("anthropic-beta", beta.strip());
        }
        String version = req.getHeader("anthropic-version");
        if (version != null && KNOWN_VERSIONS.contains(version.strip())) {
            headers.put("anthropic-version", version.strip());
        }
        return Map.copyOf(headers);
    }
}
