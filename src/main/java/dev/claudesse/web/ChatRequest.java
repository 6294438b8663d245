package dev.claudesse.web;

import dev.claudesse.claude.Thinking;
import dev.claudesse.store.AttachmentData;

import java.util.List;

/**
 * A validated POST api/chat body, already fitted to its model's rules. conversationId, system,
 * temperature, thinking and effort may be null. regenerate: ask the conversation's latest question again,
 * the new answer replacing the latest one; message is then null (the stored question is asked, with its
 * files). attachments: the files sent with the question (checked by AttachmentRules), saved with it.
 */
public record ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                          Double temperature, Thinking thinking, String effort, boolean regenerate,
                          List<AttachmentData> attachments) {

    public ChatRequest {
        attachments = List.copyOf(attachments);
    }

    public ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                       Double temperature, Thinking thinking, String effort, boolean regenerate) {
        this(message, conversationId, model, system, maxTokens, temperature, thinking, effort, regenerate, List.of());
    }

    public ChatRequest(String message, String conversationId, String model, String system, int maxTokens,
                       Double temperature, Thinking thinking, String effort) {
        this(message, conversationId, model, system, maxTokens, temperature, thinking, effort, false);
    }
}
