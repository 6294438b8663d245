package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.PriceTable;
import dev.claudesse.config.Settings;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** Reads and checks a chat request on the container thread, before any stream or upstream call. */
final class ChatRequestReader {

    static final int MIN_THINKING_BUDGET = 1024;

    private final Settings settings;
    private final PriceTable prices;
    private final ObjectMapper json;

    ChatRequestReader(Settings settings, PriceTable prices, ObjectMapper json) {
        this.settings = settings;
        this.prices = prices;
        this.json = json;
    }

    ChatRequest read(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Send the chat request as application/json.");
        }
        return parse(body(req));
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
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw invalid("invalid_json", "The body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw invalid("invalid_json", "The body must be a JSON object.");
        }
        String message = text(root, "message");
        if (message == null || message.isBlank()) {
            throw invalid("invalid_request", "\"message\" is required and must not be blank.");
        }
        String model = model(text(root, "model"));
        int maxTokens = maxTokens(root.get("maxTokens"));
        Integer thinking = thinkingBudget(root.get("thinking"), maxTokens);
        Double temperature = temperature(root.get("temperature"), thinking != null);
        String conversationId = text(root, "conversationId");
        if (conversationId != null && (conversationId.isBlank() || conversationId.length() > 64)) {
            throw invalid("invalid_request", "\"conversationId\" is not a conversation id.");
        }
        return new ChatRequest(message, conversationId, model, text(root, "system"), maxTokens, temperature, thinking);
    }

    private String model(String requested) {
        String model = requested == null ? settings.defaultModel() : requested;
        boolean allowed = settings.allowedModels().isEmpty()
                ? prices.knows(model) || model.equals(settings.defaultModel())
                : settings.allowedModels().contains(model);
        if (!allowed) {
            throw invalid("model_not_allowed", "The model \"" + model + "\" is not allowed on this server.");
        }
        return model;
    }

    private int maxTokens(JsonNode value) {
        if (value == null || value.isNull()) {
            return Math.min(settings.defaultMaxTokens(), settings.maxTokensLimit());
        }
        int limit = settings.maxTokensLimit();
        if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > limit) {
            throw invalid("invalid_request", "\"maxTokens\" must be a whole number from 1 to " + limit + ".");
        }
        return value.asInt();
    }

    private static Integer thinkingBudget(JsonNode value, int maxTokens) {
        if (value == null || value.isNull() || (value.isBoolean() && !value.asBoolean())) {
            return null;
        }
        JsonNode budget = value.isObject() ? value.get("budgetTokens") : value;
        int tokens;
        if (budget != null && budget.isBoolean()) {
            tokens = MIN_THINKING_BUDGET;
        } else if (budget != null && budget.isIntegralNumber()) {
            tokens = budget.asInt();
        } else {
            throw invalid("invalid_request", "\"thinking\" must be true, a token budget, or {\"budgetTokens\": n}.");
        }
        if (tokens < MIN_THINKING_BUDGET || tokens >= maxTokens) {
            throw invalid("invalid_request", "The thinking budget must be at least " + MIN_THINKING_BUDGET
                    + " and below maxTokens (" + maxTokens + ").");
        }
        return tokens;
    }

    private static Double temperature(JsonNode value, boolean thinking) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw invalid("invalid_request", "\"temperature\" must be a number from 0 to 1.");
        }
        if (thinking && value.asDouble() != 1) {
            throw invalid("invalid_request", "Extended thinking works only with temperature 1 (or none).");
        }
        return value.asDouble();
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("invalid_request", "\"" + field + "\" must be a string.");
        }
        return value.asText();
    }

    private static ApiException invalid(String type, String message) {
        return new ApiException(400, type, message);
    }
}
