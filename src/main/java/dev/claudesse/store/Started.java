package dev.claudesse.store;

import java.util.List;

/**
 * The conversation the answer belongs to, its earlier turns to send as context (oldest first), and the
 * question saved (for a regeneration without a text of its own, the stored question asked again) with
 * its files (for a regeneration, the files of the question asked again).
 */
public record Started(String conversationId, List<Turn> history, String question, List<AttachmentData> questionFiles) {

    public Started {
        questionFiles = List.copyOf(questionFiles);
    }

    public Started(String conversationId, List<Turn> history, String question) {
        this(conversationId, history, question, List.of());
    }
}
