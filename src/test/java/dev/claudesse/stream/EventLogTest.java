package dev.claudesse.stream;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLogTest {

    @Test
    void aReaderSeesEverythingFromItsPositionInOrderEvenAcrossGrowth() throws Exception {
        EventLog log = new EventLog();
        for (int i = 0; i < 20; i++) {
            log.append(new byte[]{(byte) i});
        }
        EventLog.Snapshot s = log.await(5);
        assertEquals(20, s.size());
        for (int i = 5; i < 20; i++) {
            assertArrayEquals(new byte[]{(byte) i}, s.frames()[i]);
        }
    }

    @Test
    void aWaitingReaderWakesOnAppend() throws Exception {
        EventLog log = new EventLog();
        CompletableFuture<EventLog.Snapshot> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return log.await(0);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        log.append(new byte[]{1});
        assertEquals(1, waiting.get(5, TimeUnit.SECONDS).size());
    }

    @Test
    void afterFinishNothingMoreIsAppended() throws Exception {
        EventLog log = new EventLog();
        log.finish();
        assertTrue(log.await(0).finished());
        assertTrue(log.awaitFinished(0, TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, () -> log.append(new byte[0]));
    }

    @Test
    void wakeReleasesAWaitingReaderWithNothingNew() throws Exception {
        EventLog log = new EventLog();
        CompletableFuture<EventLog.Snapshot> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return log.await(0);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        log.wake();
        EventLog.Snapshot s = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(0, s.size());
        assertFalse(s.finished());
    }

    @Test
    void awaitFinishedTimesOut() throws Exception {
        assertFalse(new EventLog().awaitFinished(10, TimeUnit.MILLISECONDS));
    }
}
