package dev.claudesse.web;

import dev.claudesse.stream.Answer;
import dev.claudesse.stream.EventLog;

import java.time.Duration;

/**
 * Follows one answer's event log onto one connection: replays from a position, then writes each new
 * event as it lands and flushes it. The same loop sends the ping when the stream has been quiet for
 * the ping interval, so there is no timer per connection.
 */
final class EventRelay implements Runnable {

    private final Answer answer;
    private final SseConnection connection;
    private final long pingNanos;
    private int next;

    EventRelay(Answer answer, SseConnection connection, int from, Duration pingInterval) {
        this.answer = answer;
        this.connection = connection;
        this.next = from;
        this.pingNanos = pingInterval.toNanos();
    }

    @Override
    public void run() {
        answer.follow();
        try {
            relay();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            answer.unfollow();
            connection.complete();
        }
    }

    private void relay() throws InterruptedException {
        long lastWrite = System.nanoTime();
        while (!connection.isClosed()) {
            long quietFor = System.nanoTime() - lastWrite;
            EventLog.Snapshot log = answer.log().await(next, pingNanos - quietFor);
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
}
