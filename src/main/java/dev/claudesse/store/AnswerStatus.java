package dev.claudesse.store;

/** Life of a saved assistant message; the lower-case name is what the database and the API show. */
public enum AnswerStatus {
    STREAMING, COMPLETE, STOPPED, ERROR, INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
