package dev.claudesse.store;

import dev.claudesse.claude.Usage;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Builds the engine's calls to the store, and waits for the store's background writer. */
final class StoreFixtures {

    static final String MODEL = "claude-sonnet-4-5";
    /** Databases keep microseconds; test times are whole milliseconds so they compare exactly. */
    static final Instant T0 = Instant.parse("2025-06-01T10:00:00.123Z");

    private StoreFixtures() {
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static AnswerStart question(String owner, String conversationId, String text) {
        return question(owner, conversationId, text, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    static AnswerStart question(String owner, String conversationId, String text, Instant at) {
        return new AnswerStart(owner, conversationId, newId(), newId(), text, MODEL, at);
    }

    static Usage usage(long input, long output) {
        return new Usage(input, output, 7, 5, 2, 11);
    }

    static AnswerEnd end(String messageId, AnswerStatus status, String text, String cost) {
        String stopReason = switch (status) {
            case COMPLETE -> "end_turn";
            case STOPPED -> "stopped";
            default -> null;
        };
        boolean failed = status == AnswerStatus.ERROR;
        return new AnswerEnd(messageId, status, stopReason, text, "thought about " + text, usage(120, 34),
                cost == null ? null : new BigDecimal(cost), false, "req_" + messageId,
                failed ? "overloaded_error" : null, failed ? "Overloaded" : null,
                T0.plusMillis(250), T0.plusMillis(1500), null);
    }

    static AnswerEnd complete(String messageId, String text) {
        return end(messageId, AnswerStatus.COMPLETE, text, "0.0012345678");
    }

    /** Waits until every answer handed to finish() is in the database. */
    static void awaitWritten(JdbcConversationStore store, Duration max) {
        await(() -> store.pendingWrites() == 0, max, "store writer still has " + store.pendingWrites() + " pending");
    }

    static void await(BooleanSupplier condition, Duration max, String failure) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max + ": " + failure);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
