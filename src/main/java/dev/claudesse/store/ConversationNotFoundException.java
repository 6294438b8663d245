package dev.claudesse.store;

/** The conversation does not exist, or belongs to another owner: both look the same from outside. */
public class ConversationNotFoundException extends Exception {
    public ConversationNotFoundException(String conversationId) {
        super("no conversation " + conversationId);
    }
}
