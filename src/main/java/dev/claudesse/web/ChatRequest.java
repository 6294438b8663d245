package dev.claudesse.web;

import dev.claudesse.claude.Thinking;

/**
 * A validated POST api/chat body, already fitted to its model's rules. conversationId, system,
 * temperature, thinking and effort may be null. regenerate: ask the conversation's latest question again,
 * the new answer replacing the latest one; message is then null (the stored question is asked).
 */
public record ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                          Double temperature, Thinking thinking, String effort, boolean regenerate) {

    public ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                       Double temperature, Thinking thinking, String effort) {
        this(message, conversationId, model, system, maxTokens, temperature, thinking, effort, false);
    }
}
