package dev.claudesse.claude;

/** What one answer hears from Claude's stream, already decoded. */
public interface ClaudeStreamListener {

    void onMessageStart(String model, Usage usage);

    void onText(String text);

    void onThinking(String text);

    /** Usage so far; each call carries the latest cumulative counts. */
    void onUsage(Usage usage, boolean fromMessageDelta);

    void onStopReason(String stopReason);

    void onMessageStop();

    void onError(String type, String message);
}
