package dev.claudesse.store;

import java.time.Instant;
import java.util.List;

/**
 * What is saved before Claude is called: the user's message and the assistant row in status streaming.
 * conversationId is null for a new conversation; with createIfAbsent, a conversationId this owner does
 * not have yet starts a new conversation under that id (a chat named by its client). regenerating is
 * null for a new question; otherwise the question is asked again and its answer replaces an earlier one.
 * A regeneration with a null userText asks the stored question of the answer it replaces again (the
 * product's "regenerate": true); it is refused (NothingToRegenerateException) when the conversation has
 * no answer or its latest answer is still streaming. files are saved with the question (the product's
 * api/chat); a regeneration without a text of its own copies the files of the question it asks again.
 */
public record AnswerStart(String owner, String conversationId, String userMessageId, String assistantMessageId,
                          String userText, String model, Instant createdAt, boolean createIfAbsent,
                          Regeneration regenerating, List<AttachmentData> files) {

    public AnswerStart {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public AnswerStart(String owner, String conversationId, String userMessageId, String assistantMessageId,
                       String userText, String model, Instant createdAt, boolean createIfAbsent,
                       Regeneration regenerating) {
        this(owner, conversationId, userMessageId, assistantMessageId, userText, model, createdAt, createIfAbsent,
                regenerating, List.of());
    }

    public AnswerStart(String owner, String conversationId, String userMessageId, String assistantMessageId,
                       String userText, String model, Instant createdAt) {
        this(owner, conversationId, userMessageId, assistantMessageId, userText, model, createdAt, false, null);
    }

    /**
     * A question asked again. The stored answer answerId (when it is one of this conversation's current
     * answers, else the latest current answer), its question and every message after them are marked as
     * superseded by the new answer: they stay in the store, counted and priced, but no longer belong to
     * the conversation as it is shown and sent to Claude.
     */
    public record Regeneration(String answerId) {
    }
}
