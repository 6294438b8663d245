package dev.claudesse.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.claudesse.store.StoreFixtures.awaitWritten;
import static dev.claudesse.store.StoreFixtures.complete;
import static dev.claudesse.store.StoreFixtures.question;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** finish() while the database is down, on H2 behind a switch (the PostgreSQL run is StoreOutageIT). */
class StoreOutageTest {

    static final FinishRetry QUICK = new FinishRetry(Duration.ofMillis(20), Duration.ofMillis(100),
            Duration.ofMillis(300), Duration.ofMillis(100));

    @TempDir
    Path dataDir;
    final SwitchableDataSource database = new SwitchableDataSource(JdbcConversationStoreH2Test.h2InMemory());
    final List<JdbcConversationStore> stores = new ArrayList<>();

    @AfterEach
    void closeStores() {
        stores.forEach(JdbcConversationStore::close);
    }

    JdbcConversationStore open(FinishRetry retry) throws Exception {
        JdbcConversationStore store = JdbcConversationStore.open(database,
                JdbcConversationStore.Options.defaults(dataDir).withRetry(retry), null);
        stores.add(store);
        return store;
    }

    List<AnswerStart> begin(JdbcConversationStore store, int count) throws Exception {
        List<AnswerStart> starts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            AnswerStart start = question("alice", null, "question " + i);
            store.begin(start);
            starts.add(start);
        }
        return starts;
    }

    @Test
    void finishNeverWaitsAndEveryAnswerLandsOnceTheDatabaseIsBack() throws Exception {
        JdbcConversationStore store = open(QUICK);
        List<AnswerStart> starts = begin(store, 20);
        database.setDown(true);

        long before = System.nanoTime();
        for (AnswerStart start : starts) {
            store.finish(complete(start.assistantMessageId(), "answer to " + start.userText()));
        }
        long tookMillis = (System.nanoTime() - before) / 1_000_000;
        assertTrue(tookMillis < 200, "20 finish() calls took " + tookMillis + " ms while the database was down");

        StoreFixtures.await(() -> store.spooledTotal() == 20, Duration.ofSeconds(10), "all answers spooled");
        assertEquals(20, Files.readAllLines(store.spoolFile()).size());
        database.setDown(false);
        awaitWritten(store, Duration.ofSeconds(10));

        for (AnswerStart start : starts) {
            AnswerEnd saved = store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end();
            assertEquals(AnswerStatus.COMPLETE, saved.status());
            assertEquals("answer to " + start.userText(), saved.text());
        }
        assertFalse(Files.exists(store.spoolFile()), "the spool is emptied once applied");
    }

    @Test
    void aShortOutageIsBridgedByRetriesWithoutTheSpool() throws Exception {
        JdbcConversationStore store = open(new FinishRetry(Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofSeconds(20), Duration.ofMillis(100)));
        AnswerStart start = begin(store, 1).getFirst();
        database.setDown(true);
        store.finish(complete(start.assistantMessageId(), "patience"));
        Thread.sleep(300);
        assertEquals(1, store.pendingWrites());
        database.setDown(false);

        awaitWritten(store, Duration.ofSeconds(10));
        assertEquals("patience", store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end().text());
        assertEquals(0, store.spooledTotal());
    }

    @Test
    void answersSpooledAtCloseAreAppliedByTheNextStart() throws Exception {
        JdbcConversationStore first = open(QUICK);
        List<AnswerStart> starts = begin(first, 5);
        database.setDown(true);
        starts.forEach(s -> first.finish(complete(s.assistantMessageId(), "kept " + s.userText())));
        first.close();
        stores.remove(first);
        assertEquals(5, Files.readAllLines(first.spoolFile()).size(), "closing with the database down spools");

        database.setDown(false);
        JdbcConversationStore second = open(QUICK);

        for (AnswerStart start : starts) {
            AnswerEnd saved = second.findAnswer("alice", start.assistantMessageId()).orElseThrow().end();
            assertEquals(AnswerStatus.COMPLETE, saved.status(), "applied before streaming rows became interrupted");
            assertEquals("kept " + start.userText(), saved.text());
        }
        assertFalse(Files.exists(second.spoolFile()));
    }

    @Test
    void anAnswerTheDatabaseRefusesIsSetAsideAndDoesNotHoldUpTheOthers() throws Exception {
        JdbcConversationStore store = open(new FinishRetry(Duration.ofMillis(20), Duration.ofMillis(100),
                Duration.ofSeconds(20), Duration.ofMillis(100)));
        List<AnswerStart> starts = begin(store, 2);
        AnswerEnd good = complete(starts.get(1).assistantMessageId(), "fine");
        AnswerEnd tooCostly = StoreFixtures.end(starts.get(0).assistantMessageId(), AnswerStatus.COMPLETE, "x",
                "1000000000000");

        store.finish(tooCostly);
        store.finish(good);
        awaitWritten(store, Duration.ofSeconds(10));

        assertEquals("fine", store.findAnswer("alice", good.messageId()).orElseThrow().end().text());
        Path rejected = dataDir.resolve(JdbcConversationStore.REJECTED_FILE);
        List<AnswerEnd> setAside = new FinishSpool(rejected).readAll();
        assertEquals(List.of(tooCostly.messageId()), setAside.stream().map(AnswerEnd::messageId).toList());
        assertEquals(0, new BigDecimal("1000000000000").compareTo(setAside.getFirst().cost()));
    }
}
