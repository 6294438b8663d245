package dev.claudesse.claude;

/**
 * Claude's {@code stop_details} beside a stop reason, e.g. for {@code "refusal"}: the kind of details,
 * the refusal's category (such as "cyber") and an explanation for people. Each may be null.
 */
public record StopDetails(String type, String category, String explanation) {
}
