package dev.claudesse.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A conversation with its messages, oldest first. totalCost adds up the known costs; totalCostEstimated
 * is true when one of them is an estimate or an answer has usage but no price.
 */
public record ConversationDetail(String id, String title, Instant createdAt, Instant updatedAt,
                                 BigDecimal totalCost, boolean totalCostEstimated, List<StoredMessage> messages) {
}
