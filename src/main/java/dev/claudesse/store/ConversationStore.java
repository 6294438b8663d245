package dev.claudesse.store;

import java.time.Duration;
import java.util.Optional;

/**
 * Where conversations and answers are kept. The streaming engine calls begin() before it calls Claude
 * and finish() after the terminal event; finish() must never block the stream on the database.
 */
public interface ConversationStore extends AutoCloseable {

    /**
     * Saves the user message and the assistant row (status streaming), creating the conversation if new.
     * Refuses a question that would take the conversation past its limits of messages or bytes.
     */
    Started begin(AnswerStart start) throws ConversationNotFoundException, ConversationFullException;

    /** Saves the final state of an answer; queues, retries and spools rather than lose it. */
    void finish(AnswerEnd end);

    /**
     * How often a running answer hands its text so far to saveProgress(); zero: never (the text is saved
     * only when the answer ends).
     */
    default Duration progressInterval() {
        return Duration.ZERO;
    }

    /**
     * Keeps a running answer's text so far, to be saved soon, so that a node that dies leaves it for a
     * resume elsewhere. Never blocks on the database; the answer's end is saved by finish() whatever
     * became of this.
     */
    default void saveProgress(String messageId, String text, String thinking) {
    }

    /** A saved answer of this owner, for replay; empty when absent or owned by someone else. */
    Optional<StoredAnswer> findAnswer(String owner, String messageId);

    /** Whether the store can be reached now, for the health check. */
    boolean isReachable();

    @Override
    void close();
}
