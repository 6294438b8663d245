package dev.claudesse.store;

import java.util.Optional;

/**
 * What the conversations endpoints read and delete. Every method takes the owner: another owner's
 * conversation looks exactly like a missing one.
 */
public interface ConversationArchive {

    /** The owner's conversations, most recently updated first; limit is clamped to 1..MAX_PAGE. */
    ConversationPage listConversations(String owner, int limit, int offset);

    /** One conversation with all its messages, oldest first; empty when absent or someone else's. */
    Optional<ConversationDetail> findConversation(String owner, String conversationId);

    /** Deletes the conversation and its messages; false when absent or someone else's. */
    boolean deleteConversation(String owner, String conversationId);

    int MAX_PAGE = 100;
}
