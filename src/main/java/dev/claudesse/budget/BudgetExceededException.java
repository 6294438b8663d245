package dev.claudesse.budget;

import java.time.Duration;

/** A budget is spent: no new answer until it resets. */
public final class BudgetExceededException extends Exception {

    private final Duration untilReset;

    BudgetExceededException(String message, Duration untilReset) {
        super(message, null, false, false);
        this.untilReset = untilReset;
    }

    public Duration untilReset() {
        return untilReset;
    }
}
