package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Thinking;
import dev.claudesse.config.Settings;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelSpec;
import dev.claudesse.models.ThinkingShape;
import dev.claudesse.protocol.Utf16;
import dev.claudesse.store.AttachmentData;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks a chat request on the container thread, before any stream or upstream call, including
 * the rules of the model it names (thinking shapes, sampling parameters, effort, output limit), so a
 * request Claude would refuse is refused here with a clear 400 instead of failing inside a stream.
 */
final class ChatRequestReader {

    static final int MIN_THINKING_BUDGET = 1024;
    static final List<String> EFFORT_LEVELS = List.of("low", "medium", "high", "xhigh", "max");

    private final Settings settings;
    private final ModelPolicy models;
    private final ObjectMapper json;
    private final AttachmentRules rules;

    ChatRequestReader(Settings settings, ModelPolicy models, ObjectMapper json) {
        this.settings = settings;
        this.rules = AttachmentRules.of(settings);
        this.models = models;
        this.json = json;
    }

    ChatRequest read(HttpServletRequest req) throws IOException {
        return parse(jsonBody(req));
    }

    /** The request's JSON object: 415, 413 and 400 (invalid_json) before anything else is looked at. */
    JsonNode jsonObject(HttpServletRequest req) throws IOException {
        return object(jsonBody(req));
    }

    private byte[] jsonBody(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Send the chat request as application/json.");
        }
        return body(req);
    }

    /** The request fields every dialect shares, checked against the model's rules. */
    record Options(String model, String system, int maxTokens, Double temperature, Thinking thinking, String effort) {
    }

    /**
     * What a dialect's clients call the fields whose refusals name them: a dialect that reads its own
     * fields (max_tokens, reasoning_effort) puts their values under the product's names for options(),
     * and its clients still read their own names in a refusal.
     */
    record FieldNames(String maxTokens, String effort) {
        static final FieldNames PRODUCT = new FieldNames("maxTokens", "effort");
    }

    private byte[] body(HttpServletRequest req) throws IOException {
        long limit = settings.maxBodyBytes();
        if (req.getContentLengthLong() > limit) {
            throw tooLarge(limit);
        }
        try (InputStream in = req.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        }
    }

    private static ApiException tooLarge(long limit) {
        return new ApiException(413, "body_too_large", "The request body is larger than " + limit + " bytes.");
    }

    ChatRequest parse(byte[] body) {
        JsonNode root = object(body);
        boolean regenerate = regenerate(root.get("regenerate"));
        String message = text(root, "message");
        String conversationId = text(root, "conversationId");
        if (regenerate) {
            if (message != null) {
                throw invalid("invalid_request", "\"regenerate\" asks the conversation's latest question again;"
                        + " leave out \"message\".");
            }
            if (root.hasNonNull("attachments")) {
                throw invalid("invalid_request", "\"regenerate\" sends the stored question's files again;"
                        + " leave out \"attachments\".");
            }
            if (conversationId == null) {
                throw invalid("invalid_request", "\"regenerate\" needs the \"conversationId\" of the answer"
                        + " to regenerate.");
            }
        } else if (message == null || message.isBlank()) {
            throw invalid("invalid_request", "\"message\" is required and must not be blank.");
        }
        Options options = options(root);
        if (conversationId != null && (conversationId.isBlank() || conversationId.length() > 64)) {
            throw invalid("invalid_request", "\"conversationId\" is not a conversation id.");
        }
        List<AttachmentData> attachments = rules.read(root.get("attachments"));
        return new ChatRequest(message, conversationId, options.model(), options.system(), options.maxTokens(),
                options.temperature(), options.thinking(), options.effort(), regenerate, attachments);
    }

    private static boolean regenerate(JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid("invalid_request", "\"regenerate\" must be true or false.");
        }
        return value.asBoolean();
    }

    private JsonNode object(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw invalid("invalid_json", "The body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw invalid("invalid_json", "The body must be a JSON object.");
        }
        return root;
    }

    /** model, system, maxTokens, temperature, thinking and effort, with the model's rules applied. */
    Options options(JsonNode root) {
        return options(root, FieldNames.PRODUCT);
    }

    /** options(root), its refusals naming maxTokens and effort as the dialect's clients know them. */
    Options options(JsonNode root, FieldNames names) {
        String model = model(text(root, "model"));
        ModelSpec spec = models.table().find(model);
        int maxTokens = maxTokens(root.get("maxTokens"), spec, names.maxTokens());
        Thinking thinking = thinking(root.get("thinking"), maxTokens, spec, model, names.maxTokens());
        Double temperature = temperature(root.get("temperature"), thinking, spec, model);
        String effort = effort(root.get("effort"), spec, model, names.effort());
        return new Options(model, text(root, "system"), maxTokens, temperature, thinking, effort);
    }

    private String model(String requested) {
        String model = requested == null ? models.defaultModel() : requested;
        ModelPolicy.Refusal refusal = models.refusal(model);
        if (refusal != null) {
            throw invalid(refusal.type(), refusal.message());
        }
        return model;
    }

    /** The server's limit, and the model's own when the table knows it. */
    private int maxTokens(JsonNode value, ModelSpec spec, String name) {
        int limit = settings.maxTokensLimit();
        if (spec != null && spec.maxOutputTokens() != null) {
            limit = Math.min(limit, spec.maxOutputTokens());
        }
        if (value == null || value.isNull()) {
            return Math.min(settings.defaultMaxTokens(), limit);
        }
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > limit) {
            throw invalid("invalid_request", "\"" + name + "\" must be a whole number from 1 to " + limit
                    + (spec != null && limit == spec.maxOutputTokens() ? " for " + spec.id() : "") + ".");
        }
        return value.asInt();
    }

    /**
     * true asks for thinking in the form the model takes: adaptive where it can, else the smallest budget.
     * A budget (a number, or {"budgetTokens": n}) is manual thinking, refused for models that only think
     * adaptively. A model the table does not know gets what the product always sent: a budget.
     */
    private static Thinking thinking(JsonNode value, int maxTokens, ModelSpec spec, String model,
                                     String maxTokensName) {
        if (value == null || value.isNull() || (value.isBoolean() && !value.asBoolean())) {
            return null;
        }
        JsonNode budget = value.isObject() ? value.get("budgetTokens") : value;
        if (budget != null && budget.isBoolean()) {
            if (spec != null && spec.takes(ThinkingShape.ADAPTIVE)) {
                return Thinking.adaptive(spec.thinkingDisplay());
            }
            if (spec != null && !spec.takes(ThinkingShape.ENABLED)) {
                throw invalid("invalid_request", "The model \"" + model + "\" does not offer extended thinking.");
            }
            return checkedBudget(MIN_THINKING_BUDGET, maxTokens, maxTokensName);
        }
        if (budget == null || !budget.isIntegralNumber()) {
            throw invalid("invalid_request", "\"thinking\" must be true, a token budget, or {\"budgetTokens\": n}.");
        }
        if (spec != null && !spec.takes(ThinkingShape.ENABLED)) {
            throw invalid("invalid_request", "The model \"" + model + "\" decides its thinking itself and takes no"
                    + " thinking budget: send \"thinking\": true, and \"effort\" to steer how much it thinks.");
        }
        return checkedBudget(budget.asInt(), maxTokens, maxTokensName);
    }

    private static Thinking checkedBudget(int tokens, int maxTokens, String maxTokensName) {
        if (tokens < MIN_THINKING_BUDGET || tokens >= maxTokens) {
            throw invalid("invalid_request", "The thinking budget must be at least " + MIN_THINKING_BUDGET
                    + " and below " + maxTokensName + " (" + maxTokens + ").");
        }
        return Thinking.budget(tokens);
    }

    /**
     * Models without sampling parameters refuse any temperature but their default (1); that default is
     * accepted and left out of the request, which means the same to Claude.
     */
    private static Double temperature(JsonNode value, Thinking thinking, ModelSpec spec, String model) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw invalid("invalid_request", "\"temperature\" must be a number from 0 to 1.");
        }
        boolean isDefault = value.asDouble() == 1;
        if (spec != null && !spec.sampling()) {
            if (!isDefault) {
                throw invalid("invalid_request", "The model \"" + model + "\" does not take \"temperature\";"
                        + " leave it out.");
            }
            return null;
        }
        if (thinking != null && !isDefault) {
            throw invalid("invalid_request", "Extended thinking works only with temperature 1 (or none).");
        }
        return value.asDouble();
    }

    private static String effort(JsonNode value, ModelSpec spec, String model, String name) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || !EFFORT_LEVELS.contains(value.asText())) {
            throw invalid("invalid_request", "\"" + name + "\" must be one of " + String.join(", ", EFFORT_LEVELS) + ".");
        }
        String level = value.asText();
        if (spec != null && !spec.takesEffort(level)) {
            throw invalid("invalid_request", spec.effort().isEmpty()
                    ? "The model \"" + model + "\" does not take \"" + name + "\"."
                    : "The model \"" + model + "\" takes \"" + name + "\" " + String.join(", ", spec.effort()) + ", not "
                    + level + ".");
        }
        return level;
    }

    /** A string field; JSON may carry half of an emoji ("\\ud83d"), which becomes U+FFFD here. */
    static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("invalid_request", "\"" + field + "\" must be a string.");
        }
        return Utf16.wellFormed(value.asText());
    }

    static ApiException invalid(String type, String message) {
        return new ApiException(400, type, message);
    }
}
