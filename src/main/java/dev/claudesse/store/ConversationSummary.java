package dev.claudesse.store;

import java.math.BigDecimal;
import java.time.Instant;

/** A conversation as listed: no messages; totalCost is what all its answers cost (replaced ones included). */
public record ConversationSummary(String id, String title, Instant createdAt, Instant updatedAt, BigDecimal totalCost,
                                  boolean totalCostEstimated) {
}
