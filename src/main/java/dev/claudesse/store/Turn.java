package dev.claudesse.store;

/** One earlier message of a conversation, as sent to Claude for context. Role is "user" or "assistant". */
public record Turn(String role, String text) {
}
