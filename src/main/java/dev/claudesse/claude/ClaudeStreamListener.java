package dev.claudesse.claude;

/** What one answer hears from Claude's stream, already decoded. */
public interface ClaudeStreamListener {

    void onMessageStart(String model, Usage usage);

    void onText(String text);

    void onThinking(String text);

    /** Usage reported by a message_delta: the latest cumulative counts, message_start's included. */
    void onUsage(Usage usage);

    /** details is null unless Claude sent stop_details (a refusal's category and explanation). */
    void onStopReason(String stopReason, StopDetails details);

    void onMessageStop();

    void onError(String type, String message);
}
