package dev.claudesse.stream;

import dev.claudesse.store.AnswerStatus;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The answers in memory: running ones, and ended ones kept for replay for a while. It also enforces
 * how many answers may run at once, per owner and in all.
 */
public final class AnswerRegistry {

    public enum Admission { ADMITTED, OWNER_LIMIT, GLOBAL_LIMIT }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> runningPerOwner = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final int maxPerOwner;
    private final int maxRunning;
    private final Duration retention;

    public AnswerRegistry(int maxPerOwner, int maxRunning, Duration retention) {
        this.maxPerOwner = maxPerOwner;
        this.maxRunning = maxRunning;
        this.retention = retention;
    }

    /** Reserves a running slot for the owner; call release() when the answer ends (or never starts). */
    public Admission admit(String owner) {
        if (running.incrementAndGet() > maxRunning) {
            running.decrementAndGet();
            return Admission.GLOBAL_LIMIT;
        }
        AtomicInteger mine = runningPerOwner.computeIfAbsent(owner, o -> new AtomicInteger());
        if (mine.incrementAndGet() > maxPerOwner) {
            release(owner);
            return Admission.OWNER_LIMIT;
        }
        return Admission.ADMITTED;
    }

    public void release(String owner) {
        running.decrementAndGet();
        runningPerOwner.computeIfPresent(owner, (o, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    public void add(Answer answer) {
        answers.put(answer.messageId(), answer);
    }

    public Answer find(String messageId) {
        return answers.get(messageId);
    }

    public Collection<Answer> all() {
        return answers.values();
    }

    public int running() {
        return running.get();
    }

    /** Periodic duties: idle upstreams, abandoned answers, and forgetting ended ones after retention. */
    public void sweep(Duration idleTimeout, Duration cancelAfterDisconnect) {
        long now = System.nanoTime();
        for (Answer answer : answers.values()) {
            if (answer.status() == AnswerStatus.STREAMING) {
                answer.checkIdle(now, idleTimeout);
                if (cancelAfterDisconnect != null) {
                    answer.checkAbandoned(now, cancelAfterDisconnect);
                }
            } else if (now - answer.endedNanos() > retention.toNanos()) {
                answers.remove(answer.messageId());
            }
        }
    }
}
