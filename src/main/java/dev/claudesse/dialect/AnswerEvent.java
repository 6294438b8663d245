package dev.claudesse.dialect;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.claudesse.claude.StopDetails;

import java.math.BigDecimal;

/**
 * What an answer tells its clients, apart from its text and thinking: the engine's vocabulary, which each
 * dialect turns into its own bytes. The fields are those of the product's own events (docs/protocol.md).
 */
public sealed interface AnswerEvent {

    /** replayed is present only on a replay from the store, whose ids start again at 1. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Start(String conversationId, String messageId, String model, boolean demo, Boolean replayed)
            implements AnswerEvent {
        public Start(String conversationId, String messageId, String model, boolean demo) {
            this(conversationId, messageId, model, demo, null);
        }
    }

    record Status(String stage, int attempt, long delayMs, String reason) implements AnswerEvent {
    }

    /** model is the model that answered (Claude's own name for it), null in a replay from an older row. */
    record Cost(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens,
                long thinkingTokens, BigDecimal totalCost, String currency, boolean estimated,
                @JsonInclude(JsonInclude.Include.NON_NULL) String model) implements AnswerEvent {
    }

    /** Terminal: the answer ended; stopDetails only when Claude gave them (a refusal's category and explanation). */
    record Done(String messageId, String stopReason,
                @JsonInclude(JsonInclude.Include.NON_NULL) StopDetails stopDetails) implements AnswerEvent {
    }

    /** Terminal: the answer failed; the text sent so far stands. */
    record Error(String type, String message, boolean retryable) implements AnswerEvent {
    }

    /** The wire name of the event in the product's own protocol. */
    default String name() {
        return switch (this) {
            case Start s -> "start";
            case Status s -> "status";
            case Cost c -> "cost";
            case Done d -> "done";
            case Error e -> "error";
        };
    }
}
