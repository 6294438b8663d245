package dev.claudesse.store;

import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.Usage;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Everything known about an answer once its terminal event is out. cost is null for a model without a
 * price; stopDetails is null unless Claude explained its stop (a refusal).
 */
public record AnswerEnd(String messageId, AnswerStatus status, String stopReason, String text, String thinking,
                        Usage usage, BigDecimal cost, boolean costEstimated, String requestId,
                        String errorType, String errorMessage, Instant firstTokenAt, Instant finishedAt,
                        StopDetails stopDetails) {
}
