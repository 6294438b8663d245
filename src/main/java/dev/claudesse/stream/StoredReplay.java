package dev.claudesse.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Usage;
import dev.claudesse.dialect.AnswerEvent;
import dev.claudesse.dialect.Dialect;
import dev.claudesse.dialect.ProductDialect;
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
        Dialect.Encoder encoder = ProductDialect.INSTANCE.encoder(json);
        AnswerEnd end = stored.end();
        List<byte[]> frames = new ArrayList<>();
        frames.add(encoder.event(new AnswerEvent.Start(stored.conversationId(), stored.messageId(), stored.model(),
                demo, true)));
        if (!end.text().isEmpty()) {
            frames.add(encoder.text(end.text()));
        }
        Usage u = end.usage();
        if (u != null && u.isKnown()) {
            frames.add(encoder.event(new AnswerEvent.Cost(u.inputTokens(), u.outputTokens(),
                    u.cacheCreationInputTokens(), u.cacheReadInputTokens(), u.thinkingTokens(), end.cost(), "USD",
                    end.costEstimated(), null)));
        }
        frames.add(encoder.event(terminal(stored.messageId(), end)));
        return frames.toArray(byte[][]::new);
    }

    private static AnswerEvent terminal(String messageId, AnswerEnd end) {
        return switch (end.status()) {
            case COMPLETE -> new AnswerEvent.Done(messageId, end.stopReason(), end.stopDetails());
            case STOPPED -> new AnswerEvent.Done(messageId, "stopped", null);
            case ERROR -> new AnswerEvent.Error(end.errorType(), end.errorMessage(), false);
            case INTERRUPTED, STREAMING -> new AnswerEvent.Error("interrupted",
                    "The answer was cut short when the server stopped; its text so far is saved.", true);
        };
    }
}
