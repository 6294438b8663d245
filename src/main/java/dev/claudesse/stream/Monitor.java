package dev.claudesse.stream;

import dev.claudesse.claude.Usage;
import dev.claudesse.store.AnswerStatus;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * What the engine and its endpoints report as they work, for whatever watches them (metrics). Called on
 * the answers' and the container's threads, on the hot path only once per answer or per event of note:
 * an implementation must be quick, thread-safe and never throw.
 */
public interface Monitor {

    Monitor NONE = new Monitor() {
    };

    /** An answer begins, before Claude is called. dialect is its Dialect's name. */
    default void started(String model, String dialect) {
    }

    /** The first text or thinking of an answer arrived, this long after it began. */
    default void firstToken(String model, String dialect, Duration sinceStart) {
    }

    /** The engine waits to call Claude again; reason is Claude's error type or the connection's failure. */
    default void retrying(String model, String reason) {
    }

    /** Claude answered with an error, as a status (type "http_529") or an error event in its stream. */
    default void upstreamError(String model, String type) {
    }

    /** An answer ended: how, what it cost (billed usage and USD, null when unpriced) and how long it took. */
    default void ended(Ending ending) {
    }

    /** An endpoint refused a request before any answer began: its status and the product's error type. */
    default void refused(int status, String type) {
    }

    /** How an answer ended. model is the model that answered (Claude's name when known); errorType null unless failed. */
    record Ending(String model, String dialect, AnswerStatus status, String stopReason, String errorType, Usage billed,
                  BigDecimal cost, boolean estimated, Duration duration) {
    }
}
