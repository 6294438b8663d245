package dev.claudesse.claude;

import dev.claudesse.store.Turn;

import java.util.List;

/** One turn of a Claude request: its role, its text and, for a question, files sent with it. */
public record Message(String role, String text, List<Attachment> attachments) {

    public Message {
        attachments = List.copyOf(attachments);
    }

    public static Message of(Turn turn) {
        return new Message(turn.role(), turn.text(),
                turn.files().stream().map(file -> Attachment.of(file.mediaType(), file.bytes())).toList());
    }
}
