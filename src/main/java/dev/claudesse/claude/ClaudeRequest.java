package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.store.Turn;

import java.util.List;

/** One streaming call to Claude's Messages API. temperature and thinkingBudget are null when not set. */
public record ClaudeRequest(String model, String system, int maxTokens, Double temperature,
                            Integer thinkingBudget, List<Turn> messages) {

    public boolean thinkingEnabled() {
        return thinkingBudget != null;
    }

    public byte[] toJson(ObjectMapper json) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        body.put("stream", true);
        if (system != null && !system.isBlank()) {
            body.put("system", system);
        }
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        if (thinkingBudget != null) {
            body.putObject("thinking").put("type", "enabled").put("budget_tokens", thinkingBudget);
        }
        ArrayNode array = body.putArray("messages");
        for (Turn turn : messages) {
            array.addObject().put("role", turn.role()).put("content", turn.text());
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
