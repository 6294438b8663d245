package dev.claudesse.store;

import java.time.Instant;

/**
 * What is saved before Claude is called: the user's message and the assistant row in status streaming.
 * conversationId is null for a new conversation.
 */
public record AnswerStart(String owner, String conversationId, String userMessageId, String assistantMessageId,
                          String userText, String model, Instant createdAt) {
}
