package dev.claudesse.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps conversations in memory only, so they vanish on restart. It serves until the JDBC store is
 * wired in, and in unit tests.
 */
public final class MemoryConversationStore implements ConversationStore {

    private record Conversation(String owner, List<Turn> turns) {
    }

    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Map<String, String> answerConversation = new ConcurrentHashMap<>();
    private final Map<String, StoredAnswer> finished = new ConcurrentHashMap<>();

    @Override
    public Started begin(AnswerStart start) throws ConversationNotFoundException {
        String id = start.conversationId() == null ? UUID.randomUUID().toString() : start.conversationId();
        Conversation conversation = start.conversationId() == null
                ? conversations.computeIfAbsent(id, k -> new Conversation(start.owner(), new ArrayList<>()))
                : conversations.get(id);
        if (conversation == null || !conversation.owner().equals(start.owner())) {
            throw new ConversationNotFoundException(id);
        }
        synchronized (conversation) {
            List<Turn> history = List.copyOf(conversation.turns());
            conversation.turns().add(new Turn("user", start.userText()));
            answerConversation.put(start.assistantMessageId(), id);
            return new Started(id, history);
        }
    }

    @Override
    public void finish(AnswerEnd end) {
        String id = answerConversation.get(end.messageId());
        Conversation conversation = id == null ? null : conversations.get(id);
        if (conversation == null) {
            return;
        }
        synchronized (conversation) {
            if (!end.text().isEmpty()) {
                conversation.turns().add(new Turn("assistant", end.text()));
            }
        }
        finished.put(end.messageId(), new StoredAnswer(end.messageId(), id, null, end));
    }

    @Override
    public Optional<StoredAnswer> findAnswer(String owner, String messageId) {
        StoredAnswer answer = finished.get(messageId);
        if (answer == null || !conversations.get(answer.conversationId()).owner().equals(owner)) {
            return Optional.empty();
        }
        return Optional.of(answer);
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    @Override
    public void close() {
    }
}
