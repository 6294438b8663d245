package dev.claudesse.web;

/** A request the API refuses, with the status and the JSON error the client gets. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final long retryAfterSeconds;

    public ApiException(int status, String type, String message) {
        this(status, type, message, 0);
    }

    /** A refusal that names when to ask again: sent as the Retry-After header (seconds), when above 0. */
    public ApiException(int status, String type, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A question its conversation has no room for: 413 when the message alone is too large, else 409. */
    static ApiException of(dev.claudesse.store.ConversationFullException full) {
        return full.messageAlone() ? new ApiException(413, "message_too_large", full.getMessage())
                : new ApiException(409, "conversation_full", full.getMessage());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** Seconds until asking again may succeed; 0 when the refusal does not say. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
