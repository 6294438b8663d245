package dev.claudesse.store;

/** A finished (or interrupted) answer read back from the store, to replay it when it is no longer in memory. */
public record StoredAnswer(String messageId, String conversationId, String model, AnswerEnd end) {
}
