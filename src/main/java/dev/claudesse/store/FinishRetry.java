package dev.claudesse.store;

import java.time.Duration;

/**
 * How the store's writer waits for a database that is down: first retries of one answer from initialDelay
 * doubling up to maxDelay, giving up after giveUpAfter (then the answer goes to the spool file), and how
 * often it tries to apply the spool while it has entries.
 */
public record FinishRetry(Duration initialDelay, Duration maxDelay, Duration giveUpAfter,
                          Duration spoolRetryInterval) {

    public static final FinishRetry DEFAULT = new FinishRetry(Duration.ofMillis(100), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(2));
}
