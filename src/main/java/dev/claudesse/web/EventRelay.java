package dev.claudesse.web;

import dev.claudesse.stream.Answer;
import dev.claudesse.stream.EventLog;

import java.time.Duration;

/**
 * Follows one answer's event log onto one connection: replays from a position, then writes each new
 * event as it lands and flushes it. When the Pinger finds the stream quiet for the ping interval, it
 * wakes this loop, which writes the ping itself: one writer per connection.
 */
final class EventRelay implements Runnable {

    private final Answer answer;
    private final SseConnection connection;
    private final Pinger pinger;
    private final long pingNanos;
    private volatile long lastWrite = System.nanoTime();
    private int next;

    EventRelay(Answer answer, SseConnection connection, int from, Duration pingInterval, Pinger pinger) {
        this.answer = answer;
        this.connection = connection;
        this.next = from;
        this.pingNanos = pingInterval.toNanos();
        this.pinger = pinger;
    }

    @Override
    public void run() {
        answer.follow();
        pinger.add(this);
        try {
            relay();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pinger.remove(this);
            answer.unfollow();
            connection.complete();
        }
    }

    private void relay() throws InterruptedException {
        while (!connection.isClosed()) {
            EventLog.Snapshot log = answer.log().await(next);
            if (log.size() > next) {
                if (!connection.write(log.frames(), next, log.size())) {
                    return;
                }
                next = log.size();
                lastWrite = System.nanoTime();
            } else if (log.finished()) {
                return;
            } else if (System.nanoTime() - lastWrite >= pingNanos) {
                if (!connection.ping()) {
                    return;
                }
                lastWrite = System.nanoTime();
            }
        }
    }

    /** Called by the Pinger's clock. */
    void wakeIfQuiet(long now) {
        if (now - lastWrite >= pingNanos) {
            answer.log().wake();
        }
    }
}
