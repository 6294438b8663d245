package dev.claudesse.store;

import java.time.Instant;

/**
 * What is saved before Claude is called: the user's message and the assistant row in status streaming.
 * conversationId is null for a new conversation; with createIfAbsent, a conversationId this owner does
 * not have yet starts a new conversation under that id (a chat named by its client).
 */
public record AnswerStart(String owner, String conversationId, String userMessageId, String assistantMessageId,
                          String userText, String model, Instant createdAt, boolean createIfAbsent) {

    public AnswerStart(String owner, String conversationId, String userMessageId, String assistantMessageId,
                       String userText, String model, Instant createdAt) {
        this(owner, conversationId, userMessageId, assistantMessageId, userText, model, createdAt, false);
    }
}
