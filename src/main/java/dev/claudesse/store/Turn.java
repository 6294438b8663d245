package dev.claudesse.store;

import java.util.List;

/**
 * One earlier message of a conversation, as sent to Claude for context. Role is "user" or "assistant";
 * files are a question's saved attachments that are sent again (empty for answers, and for questions
 * whose files are older than what is resent).
 */
public record Turn(String role, String text, List<AttachmentData> files) {

    public Turn {
        files = List.copyOf(files);
    }

    public Turn(String role, String text) {
        this(role, text, List.of());
    }
}
