package dev.claudesse.web;

/** A request the API refuses, with the status and the JSON error the client gets. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private java.time.Duration retryAfter;

    public ApiException(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    /** A question its conversation has no room for: 413 when the message alone is too large, else 409. */
    static ApiException of(dev.claudesse.store.ConversationFullException full) {
        return full.messageAlone() ? new ApiException(413, "message_too_large", full.getMessage())
                : new ApiException(409, "conversation_full", full.getMessage());
    }

    /** When the client may try again: sent as Retry-After (whole seconds, at least 1). */
    public ApiException retryAfter(java.time.Duration wait) {
        this.retryAfter = wait;
        return this;
    }

    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }
}
