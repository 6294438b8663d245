package dev.claudesse.web;

import dev.claudesse.claude.Thinking;

/**
 * A validated POST api/chat body, already fitted to its model's rules. conversationId, system,
 * temperature, thinking and effort may be null.
 */
public record ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                          Double temperature, Thinking thinking, String effort) {
}
