package dev.claudesse.web;

import dev.claudesse.store.AnswerStart;
import dev.claudesse.store.ConversationFullException;
import dev.claudesse.store.ConversationNotFoundException;
import dev.claudesse.store.ConversationStore;
import dev.claudesse.store.Started;
import jakarta.servlet.http.HttpServletRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Stored conversations that a client names itself (useChat's chat id, the Claude-SSE-Conversation header):
 * one per owner and name, whichever endpoint names it, so the same name of another owner is another
 * conversation and no owner can reach another's by guessing. The id is a hash of both, within the store's
 * 64 characters; its "ui-" prefix is kept because the first such ids (useChat's) are stored with it.
 */
final class NamedConversations {

    /** How the v1 endpoints' clients group their calls into one stored conversation. */
    static final String HEADER = "Claude-SSE-Conversation";

    private NamedConversations() {
    }

    /** The conversation name a request's header gives, checked like a useChat chat id; null without one. */
    static String fromHeader(HttpServletRequest req) {
        String name = req.getHeader(HEADER);
        if (name != null && !UiChatRequestReader.CHAT_ID.matcher(name).matches()) {
            throw new ApiException(400, "invalid_request", "The " + HEADER + " header must be a name"
                    + " of 1 to 128 letters, digits, _ or -.");
        }
        return name;
    }

    static String id(String owner, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((owner + "\u0000" + name).getBytes(StandardCharsets.UTF_8));
            return "ui-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Saves the question of an endpoint whose client names its conversation (name; null: a new one each
     * time): the named conversation is created when missing, so only a full one refuses it (409/413).
     */
    static Started begin(ConversationStore store, String owner, String name, String messageId, String question,
                         String model, AnswerStart.Regeneration regenerating) {
        try {
            return store.begin(new AnswerStart(owner, name == null ? null : id(owner, name),
                    UUID.randomUUID().toString(), messageId, question, model, Instant.now(), name != null,
                    regenerating));
        } catch (ConversationNotFoundException e) {
            throw new IllegalStateException("a named conversation is created when missing", e);
        } catch (ConversationFullException e) {
            throw ApiException.of(e);
        }
    }
}
