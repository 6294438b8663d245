package dev.claudesse.store;

import java.util.List;

/** The conversation the answer belongs to, and its earlier turns to send as context (oldest first). */
public record Started(String conversationId, List<Turn> history) {
}
