package dev.claudesse.store;

/**
 * A regeneration that asks the latest question again found nothing to replace: the conversation has no
 * answer yet, or (streaming) its latest answer has not ended.
 */
public final class NothingToRegenerateException extends RuntimeException {

    private final boolean streaming;

    NothingToRegenerateException(String message, boolean streaming) {
        super(message);
        this.streaming = streaming;
    }

    /** True when the latest answer is still streaming, false when there is no answer at all. */
    public boolean streaming() {
        return streaming;
    }
}
