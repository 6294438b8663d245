package dev.claudesse.stream;

import java.math.BigDecimal;

/** The JSON bodies of the product's events, as docs/protocol.md describes them. */
final class EventPayloads {

    private EventPayloads() {
    }

    record Start(String conversationId, String messageId, String model, boolean demo) {
    }

    record Status(String stage, int attempt, long delayMs, String reason) {
    }

    record Cost(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens,
                BigDecimal totalCost, String currency, boolean estimated) {
    }

    record Done(String messageId, String stopReason) {
    }

    record Error(String type, String message, boolean retryable) {
    }
}
