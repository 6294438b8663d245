package dev.claudesse.store;

import java.time.Instant;

/** A conversation as listed: no messages. */
public record ConversationSummary(String id, String title, Instant createdAt, Instant updatedAt) {
}
