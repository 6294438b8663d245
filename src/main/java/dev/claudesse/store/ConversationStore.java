package dev.claudesse.store;

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

    /** A saved answer of this owner, for replay; empty when absent or owned by someone else. */
    Optional<StoredAnswer> findAnswer(String owner, String messageId);

    /** Whether the store can be reached now, for the health check. */
    boolean isReachable();

    @Override
    void close();
}
