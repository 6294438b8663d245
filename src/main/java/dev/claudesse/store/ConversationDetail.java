package dev.claudesse.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A conversation with one page of its messages, oldest first within the page. Pages go back in time:
 * the first holds the newest messages; nextCursor (null on the last page) asks for the ones before.
 * totalCost, totalCostEstimated and messageCount cover the whole conversation: totalCost adds up the
 * known costs; totalCostEstimated is true when one of them is an estimate or an answer has usage but no
 * price.
 */
public record ConversationDetail(String id, String title, Instant createdAt, Instant updatedAt,
                                 BigDecimal totalCost, boolean totalCostEstimated, int messageCount,
                                 List<StoredMessage> messages, String nextCursor) {
}
