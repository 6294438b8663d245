package dev.claudesse.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Answers that wait together are written together, and a failed group write loses nothing. */
class FinishWriterBatchTest {

    @TempDir
    Path dir;

    /** Records every write; the first one waits for a latch, so that the others queue up behind it. */
    private static final class SlowFirstTarget implements FinishWriter.Target {
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> written = Collections.synchronizedList(new ArrayList<>());
        final List<Integer> groups = Collections.synchronizedList(new ArrayList<>());
        volatile boolean failGroups;

        @Override
        public boolean write(AnswerEnd end) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(end.messageId());
            return true;
        }

        @Override
        public List<Boolean> writeAll(List<AnswerEnd> ends) throws SQLException {
            if (failGroups) {
                throw new SQLException("a row of the group is refused", "23000");
            }
            groups.add(ends.size());
            List<Boolean> out = new ArrayList<>();
            for (AnswerEnd end : ends) {
                written.add(end.messageId());
                out.add(true);
            }
            return out;
        }

        @Override
        public boolean isReachable() {
            return true;
        }
    }

    private FinishWriter writer(FinishWriter.Target target) {
        FinishWriter writer = new FinishWriter(target, new FinishSpool(dir.resolve("spool.jsonl")),
                new FinishSpool(dir.resolve("rejected.jsonl")), new FinishSpool(dir.resolve("unmatched.jsonl")),
                new FinishRetry(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(5), Duration.ofSeconds(1)));
        writer.start();
        return writer;
    }

    private static void submitAll(FinishWriter writer, int count) {
        for (int i = 0; i < count; i++) {
            writer.submit(StoreFixtures.complete("m" + i, "text " + i));
        }
    }

    @Test
    void answersQueuedBehindAWriteGoOutTogether() {
        SlowFirstTarget target = new SlowFirstTarget();
        FinishWriter writer = writer(target);
        submitAll(writer, 200);
        target.release.countDown();
        assertTrue(writer.awaitQueued(Duration.ofSeconds(10)), "not all written");
        assertEquals(200, target.written.size());
        assertEquals(200, target.written.stream().distinct().count(), "an answer was written twice");
        assertTrue(target.groups.stream().anyMatch(n -> n > 1), "no group write: " + target.groups);
        assertTrue(target.groups.stream().allMatch(n -> n <= 64), "a group larger than the limit: " + target.groups);
        writer.close(Duration.ofSeconds(1));
    }

    @Test
    void aFailedGroupWriteFallsBackToOneByOne() {
        SlowFirstTarget target = new SlowFirstTarget();
        target.failGroups = true;
        FinishWriter writer = writer(target);
        for (int i = 0; i < 50; i++) {
            writer.submit(StoreFixtures.complete("m" + i, "text " + i));
        }
        target.release.countDown();
        assertTrue(writer.awaitQueued(Duration.ofSeconds(10)), "not all written");
        assertEquals(50, target.written.size());
        assertEquals(50, target.written.stream().distinct().count());
        writer.close(Duration.ofSeconds(1));
    }
}
