package dev.claudesse.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * What the conversations endpoints read and delete. Every method takes the owner: another owner's
 * conversation looks exactly like a missing one.
 */
public interface ConversationArchive {

    /** The owner's conversations, most recently updated first; limit is clamped to 1..MAX_PAGE. */
    default ConversationPage listConversations(String owner, int limit, int offset) {
        return listConversations(owner, limit, offset, null);
    }

    /**
     * The owner's conversations whose title contains titleContains (ignoring case, taken literally: % and _
     * match themselves; null or blank: all of them), most recently updated first, paged like the above.
     */
    ConversationPage listConversations(String owner, int limit, int offset, String titleContains);

    /** Gives the conversation a new title (already validated); false when absent or someone else's. */
    boolean renameConversation(String owner, String conversationId, String title);

    /**
     * One conversation with a page of its messages: the newest `limit` (clamped to 1..MAX_MESSAGES_PAGE)
     * before the cursor (null: the newest of all), oldest first within the page; empty when absent or
     * someone else's. An unreadable cursor is an IllegalArgumentException.
     */
    Optional<ConversationDetail> findConversation(String owner, String conversationId, int limit, String before);

    /** The first page (the newest MESSAGES_PAGE messages). */
    default Optional<ConversationDetail> findConversation(String owner, String conversationId) {
        return findConversation(owner, conversationId, MESSAGES_PAGE, null);
    }

    /**
     * A file saved with a question of the owner's conversation: the message's file at position (0, 1, …);
     * empty when absent, or when the conversation is someone else's or does not hold that message.
     */
    Optional<AttachmentData> findAttachment(String owner, String conversationId, String messageId, int position);

    /** Deletes the conversation, its messages and their files; false when absent or someone else's. */
    boolean deleteConversation(String owner, String conversationId);

    int MAX_PAGE = 100;
    int MESSAGES_PAGE = 100;
    int MAX_MESSAGES_PAGE = 500;

    /**
     * What the answers begun since a time cost, as saved (answers still running count nothing here): one
     * owner's, or everyone's when owner is null. For budgets.
     */
    BigDecimal spentSince(String owner, Instant since);
}
