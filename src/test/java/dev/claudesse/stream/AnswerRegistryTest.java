package dev.claudesse.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerRegistryTest {

    @Test
    void thePerOwnerCountStaysExactUnderConcurrentAdmitsAndReleases() throws Exception {
        int maxPerOwner = 1;
        AnswerRegistry registry = new AnswerRegistry(maxPerOwner, 1_000_000, Duration.ofMinutes(10), Long.MAX_VALUE);
        Map<String, AtomicInteger> holding = new ConcurrentHashMap<>();
        AtomicInteger overLimit = new AtomicInteger();
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50_000; i++) {
                    String owner = "owner-" + (i % 3);
                    if (registry.admit(owner) == AnswerRegistry.Admission.ADMITTED) {
                        AtomicInteger mine = holding.computeIfAbsent(owner, o -> new AtomicInteger());
                        if (mine.incrementAndGet() > maxPerOwner) {
                            overLimit.incrementAndGet();
                        }
                        mine.decrementAndGet();
                        registry.release(owner);
                    }
                }
            }));
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(0, overLimit.get(), "more answers ran at once than one owner may have");
        assertEquals(0, registry.running());
        for (int o = 0; o < 3; o++) {
            assertEquals(0, registry.runningOf("owner-" + o), "owner-" + o + " count drifted");
            // the counter must still admit: a lost count would refuse forever, an extra one admit too many
            assertEquals(AnswerRegistry.Admission.ADMITTED, registry.admit("owner-" + o));
            assertEquals(AnswerRegistry.Admission.OWNER_LIMIT, registry.admit("owner-" + o));
            registry.release("owner-" + o);
        }
    }

    private static Answer ended(AnswerRegistry registry, String id, String text) throws Exception {
        AnswerTest.ScriptedUpstream upstream = new AnswerTest.ScriptedUpstream()
                .then(AnswerTest.START + AnswerTest.text("\"" + text + "\"") + AnswerTest.END);
        Answer answer = AnswerTest.answer(id, upstream, new AnswerTest.SavedEnds(), registry::ended);
        registry.admit(answer.owner());
        registry.add(answer);
        answer.run();
        return answer;
    }

    @Test
    void endedAnswersStayWithinTheByteBudgetOldestOutFirst() throws Exception {
        AnswerRegistry probe = new AnswerRegistry(10, 10, Duration.ofMinutes(10), Long.MAX_VALUE);
        ended(probe, "probe", "x".repeat(10_000));
        long oneAnswer = probe.endedBytes(); // what the registry counts for one such answer
        AnswerRegistry registry = new AnswerRegistry(10, 10, Duration.ofMinutes(10), 3 * oneAnswer + oneAnswer / 2);
        for (int i = 1; i <= 5; i++) {
            ended(registry, "a" + i, "x".repeat(10_000));
            assertTrue(registry.endedBytes() <= 3 * oneAnswer + oneAnswer / 2, "over budget: " + registry.endedBytes());
        }
        assertNull(registry.find("a1"));
        assertNull(registry.find("a2"));
        for (String kept : List.of("a3", "a4", "a5")) {
            assertNotNull(registry.find(kept), kept + " was evicted before older answers");
        }
        assertEquals(0, registry.running());
    }

    @Test
    void anEndedAnswerIsNeverForgottenAtTheInstantItEnds() throws Exception {
        AnswerRegistry registry = new AnswerRegistry(1_000, 1_000, Duration.ofSeconds(60), Long.MAX_VALUE);
        AtomicBoolean done = new AtomicBoolean();
        Thread sweeper = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                registry.sweep(Duration.ofMinutes(1), null);
            }
        });
        try {
            for (int i = 0; i < 3_000; i++) {
                ended(registry, "e" + i, "short");
                assertNotNull(registry.find("e" + i), "answer e" + i + " was forgotten as it ended");
            }
        } finally {
            done.set(true);
            sweeper.join();
        }
    }
}
