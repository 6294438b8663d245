package dev.claudesse.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Usage;
import dev.claudesse.protocol.SseFrames;
import dev.claudesse.store.AnswerEnd;
import dev.claudesse.store.StoredAnswer;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of an answer that is no longer in memory, rebuilt from the store: start (marked
 * replayed), one chunk with the whole text, cost, and the terminal event. Its ids start again at 1.
 */
public final class StoredReplay {

    private StoredReplay() {
    }

    public static byte[][] frames(ObjectMapper json, StoredAnswer stored, boolean demo) {
        AnswerEnd end = stored.end();
        List<byte[]> frames = new ArrayList<>();
        frames.add(frame(json, frames.size() + 1, "start",
                new EventPayloads.Start(stored.conversationId(), stored.messageId(), stored.model(), demo, true)));
        if (!end.text().isEmpty()) {
            frames.add(SseFrames.textFrame(frames.size() + 1, "chunk", end.text()));
        }
        Usage u = end.usage();
        if (u != null && u.isKnown()) {
            frames.add(frame(json, frames.size() + 1, "cost", new EventPayloads.Cost(u.inputTokens(), u.outputTokens(),
                    u.cacheCreationInputTokens(), u.cacheReadInputTokens(), u.thinkingTokens(), end.cost(), "USD",
                    end.costEstimated(), null)));
        }
        frames.add(terminal(json, frames.size() + 1, stored.messageId(), end));
        return frames.toArray(byte[][]::new);
    }

    private static byte[] terminal(ObjectMapper json, int id, String messageId, AnswerEnd end) {
        return switch (end.status()) {
            case COMPLETE -> frame(json, id, "done", new EventPayloads.Done(messageId, end.stopReason(),
                    end.stopDetails()));
            case STOPPED -> frame(json, id, "done", new EventPayloads.Done(messageId, "stopped", null));
            case ERROR -> frame(json, id, "error", new EventPayloads.Error(end.errorType(), end.errorMessage(),
                    false));
            case INTERRUPTED, STREAMING -> frame(json, id, "error", new EventPayloads.Error("interrupted",
                    "The answer was cut short when the server stopped; its text so far is saved.", true));
        };
    }

    private static byte[] frame(ObjectMapper json, int id, String event, Object payload) {
        try {
            return SseFrames.frame(id, event, json.writeValueAsBytes(payload));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
