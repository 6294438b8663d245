package dev.claudesse.stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.claudesse.claude.StopDetails;

import java.math.BigDecimal;

/** The JSON bodies of the product's events, as docs/protocol.md describes them. */
final class EventPayloads {

    private EventPayloads() {
    }

    /** replayed is present only on a replay from the store, whose ids start again at 1. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Start(String conversationId, String messageId, String model, boolean demo, Boolean replayed) {
        Start(String conversationId, String messageId, String model, boolean demo) {
            this(conversationId, messageId, model, demo, null);
        }
    }

    record Status(String stage, int attempt, long delayMs, String reason) {
    }

    /** model is the model that answered (Claude's own name for it), null in a replay from an older row. */
    record Cost(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens,
                long thinkingTokens, BigDecimal totalCost, String currency, boolean estimated,
                @JsonInclude(JsonInclude.Include.NON_NULL) String model) {
    }

    /** stopDetails only when Claude gave them (a refusal's category and explanation). */
    record Done(String messageId, String stopReason,
                @JsonInclude(JsonInclude.Include.NON_NULL) StopDetails stopDetails) {
    }

    record Error(String type, String message, boolean retryable) {
    }
}
