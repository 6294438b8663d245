package dev.claudesse.store;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A conversation with one page of its messages, oldest first within the page. Pages go back in time:
 * the first holds the newest messages; nextCursor (null on the last page) asks for the ones before.
 * Messages superseded by a regenerated answer are left out. totalCost adds up the known costs of the
 * whole conversation, superseded answers included (they were paid for); totalCostEstimated is true when
 * one of them is an estimate or an answer has usage but no price; messageCount counts the messages shown.
 */
public record ConversationDetail(String id, String title, Instant createdAt, Instant updatedAt,
                                 BigDecimal totalCost, boolean totalCostEstimated, int messageCount,
                                 List<StoredMessage> messages, String nextCursor) {
}
