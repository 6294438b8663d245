package dev.claudesse.store;

/**
 * The question would take the conversation past its limits (messages, or bytes of text); the user should
 * start a new conversation. messageAlone: the message by itself is larger than a conversation may hold.
 */
public class ConversationFullException extends Exception {

    private final boolean messageAlone;

    ConversationFullException(String message, boolean messageAlone) {
        super(message);
        this.messageAlone = messageAlone;
    }

    public boolean messageAlone() {
        return messageAlone;
    }
}
