package dev.claudesse.stream;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {

    @Test
    void aReaderSeesEverythingInOrderEvenAcrossGrowth() {
        EventLog log = new EventLog();
        for (int i = 0; i < 20; i++) {
            log.append(new byte[]{(byte) i});
        }
        EventLog.Snapshot s = log.snapshot();
        assertEquals(20, s.size());
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(new byte[]{(byte) i}, s.frame(i));
        }
    }

    @Test
    void anOldSnapshotStaysValidAfterTheLogGrows() {
        EventLog log = new EventLog();
        for (int i = 0; i < 8; i++) {
            log.append(new byte[]{(byte) i});
        }
        EventLog.Snapshot before = log.snapshot();
        for (int i = 8; i < 40; i++) {
            log.append(new byte[]{(byte) i});
        }
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(new byte[]{(byte) i}, before.frame(i));
        }
    }

    @Test
    void followersHearEveryAppendAndTheFinishOnTheChangingThread() {
        EventLog log = new EventLog();
        AtomicInteger changes = new AtomicInteger();
        Thread[] seenOn = new Thread[1];
        Runnable follower = () -> {
            changes.incrementAndGet();
            seenOn[0] = Thread.currentThread();
        };
        log.follow(follower);
        log.append(new byte[]{1});
        log.append(new byte[]{2});
        log.finish();
        assertEquals(3, changes.get());
        assertEquals(Thread.currentThread(), seenOn[0]);
        log.unfollow(follower);
        assertThrows(IllegalStateException.class, () -> log.append(new byte[0]));
        assertEquals(3, changes.get());
    }

    @Test
    void anUnfollowedReaderHearsNothingMore() {
        EventLog log = new EventLog();
        AtomicInteger changes = new AtomicInteger();
        Runnable follower = changes::incrementAndGet;
        log.follow(follower);
        log.unfollow(follower);
        log.append(new byte[]{1});
        assertEquals(0, changes.get());
    }

    @Test
    void afterFinishNothingMoreIsAppended() throws Exception {
        EventLog log = new EventLog();
        log.finish();
        assertTrue(log.snapshot().finished());
        assertTrue(log.awaitFinished(0, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, () -> log.append(new byte[0]));
    }

    @Test
    void aFinishedLogHoldsItsFramesFromTheStart() {
        byte[][] frames = {{1}, {2}};
        EventLog log = EventLog.finished(frames);
        frames[0] = new byte[]{9};
        EventLog.Snapshot s = log.snapshot();
        assertTrue(s.finished());
        assertEquals(2, s.size());
        assertArrayEquals(new byte[]{1}, s.frame(0));
    }

    @Test
    void awaitFinishedTimesOut() throws Exception {
        assertFalse(new EventLog().awaitFinished(10, TimeUnit.MILLISECONDS));
    }

    @Test
    void awaitFinishedWakesAtTheFinish() throws Exception {
        EventLog log = new EventLog();
        Thread finisher = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.finish();
        });
        assertTrue(log.awaitFinished(5, TimeUnit.SECONDS));
        finisher.join();
    }

    @Test
    void aFinishedLogIsPackedIntoOneArrayWithTheSameEvents() throws Exception {
        EventLog log = new EventLog();
        log.append("id: 1\n\n".getBytes());
        log.append("id: 2\nevent: chunk\n\n".getBytes());
        EventLog.Snapshot before = log.snapshot();
        log.append("id: 3\n\n".getBytes());
        log.finish();
        EventLog.Snapshot after = log.snapshot();
        assertNull(after.frames(), "not packed");
        java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < after.size(); i++) {
            after.writeTo(written, i);
        }
        assertEquals("id: 1\n\nid: 2\nevent: chunk\n\nid: 3\n\n", written.toString());
        assertArrayEquals("id: 2\nevent: chunk\n\n".getBytes(), after.frame(1));
        // a reader that looked before still reads its own arrays
        assertArrayEquals("id: 1\n\n".getBytes(), before.frame(0));
        assertEquals(2, before.size());
    }
}
