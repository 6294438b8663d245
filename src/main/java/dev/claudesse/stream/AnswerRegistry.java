package dev.claudesse.stream;

import dev.claudesse.store.AnswerStatus;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The answers in memory: running ones, and ended ones kept for replay for a while and within a total
 * byte budget, oldest out first (an answer no longer here resumes from the store). It also enforces how
 * many answers may run at once, per owner and in all.
 */
public final class AnswerRegistry {

    public enum Admission { ADMITTED, OWNER_LIMIT, GLOBAL_LIMIT }

    /** An ended answer in the order answers ended, with the bytes it was counted for. */
    private record Ended(Answer answer, long bytes) {
    }

    /** What an ended answer holds beside its frames' bytes (the answer, its log, the map entries), measured roughly. */
    static final long ANSWER_OVERHEAD_BYTES = 1_500;

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> runningPerOwner = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final Queue<Ended> endedInOrder = new ConcurrentLinkedQueue<>();
    private final AtomicLong endedBytes = new AtomicLong();
    private final int maxPerOwner;
    private final int maxRunning;
    private final Duration retention;
    private final long maxEndedBytes;

    public AnswerRegistry(int maxPerOwner, int maxRunning, Duration retention, long maxEndedBytes) {
        this.maxPerOwner = maxPerOwner;
        this.maxRunning = maxRunning;
        this.retention = retention;
        this.maxEndedBytes = maxEndedBytes;
    }

    /** Reserves a running slot for the owner; call release() when the answer ends (or never starts). */
    public Admission admit(String owner) {
        if (running.incrementAndGet() > maxRunning) {
            running.decrementAndGet();
            return Admission.GLOBAL_LIMIT;
        }
        // count and check in one atomic step per owner, so a release removing the entry cannot race it
        AtomicBoolean full = new AtomicBoolean();
        runningPerOwner.compute(owner, (o, count) -> {
            int now = count == null ? 0 : count;
            if (now >= maxPerOwner) {
                full.set(true);
                return count;
            }
            return now + 1;
        });
        if (full.get()) {
            running.decrementAndGet();
            return Admission.OWNER_LIMIT;
        }
        return Admission.ADMITTED;
    }

    public void release(String owner) {
        running.decrementAndGet();
        runningPerOwner.computeIfPresent(owner, (o, count) -> count <= 1 ? null : count - 1);
    }

    /** Answers this owner has running now. */
    public int runningOf(String owner) {
        return runningPerOwner.getOrDefault(owner, 0);
    }

    public void add(Answer answer) {
        answers.put(answer.messageId(), answer);
    }

    /**
     * An answer ended: its slot is free, and it stays for replay until the retention passes or the
     * budget needs its room.
     */
    public void ended(Answer answer) {
        release(answer.owner());
        long bytes = answer.log().bytes() + ANSWER_OVERHEAD_BYTES;
        endedInOrder.add(new Ended(answer, bytes));
        endedBytes.addAndGet(bytes);
        while (endedBytes.get() > maxEndedBytes && forgetOldest()) {
            // the oldest ended answers leave first
        }
    }

    private boolean forgetOldest() {
        Ended oldest = endedInOrder.poll();
        if (oldest == null) {
            return false;
        }
        endedBytes.addAndGet(-oldest.bytes());
        answers.remove(oldest.answer().messageId(), oldest.answer());
        return true;
    }

    /** Bytes of ended answers' events held for replay. */
    public long endedBytes() {
        return endedBytes.get();
    }

    public Answer find(String messageId) {
        return answers.get(messageId);
    }

    /** The answer still running in this owner's conversation, or null. */
    public Answer runningIn(String owner, String conversationId) {
        for (Answer answer : answers.values()) {
            if (!answer.isEnded() && answer.conversationId().equals(conversationId) && answer.owner().equals(owner)) {
                return answer;
            }
        }
        return null;
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
                Duration grace = answer.unfollowedGrace() != null ? answer.unfollowedGrace() : cancelAfterDisconnect;
                if (grace != null) {
                    answer.checkAbandoned(now, grace);
                }
            }
        }
        // answers end in order, so the expired ones are at the head
        Ended oldest;
        while ((oldest = endedInOrder.peek()) != null && now - oldest.answer().endedNanos() > retention.toNanos()) {
            if (!forgetOldest()) {
                break;
            }
        }
    }
}
