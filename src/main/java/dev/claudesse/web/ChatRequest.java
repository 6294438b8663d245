package dev.claudesse.web;

/** A validated POST api/chat body. conversationId, system, temperature and thinkingBudget may be null. */
public record ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                          Double temperature, Integer thinkingBudget) {
}
