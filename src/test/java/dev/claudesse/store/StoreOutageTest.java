package dev.claudesse.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

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

    @Test
    void aSpooledAnswerWhoseRowIsNotInTheDatabaseIsKeptNotCountedAsApplied() throws Exception {
        JdbcConversationStore first = open(QUICK);
        AnswerStart start = begin(first, 1).getFirst();
        database.setDown(true);
        first.finish(complete(start.assistantMessageId(), "belongs to the first database"));
        first.close();
        stores.remove(first);

        // Another database (another deployment's, say) in the same data directory: its update matches 0 rows.
        JdbcConversationStore other = JdbcConversationStore.open(JdbcConversationStoreH2Test.h2InMemory(),
                JdbcConversationStore.Options.defaults(dataDir).withRetry(QUICK), null);
        stores.add(other);

        List<AnswerEnd> kept = new FinishSpool(dataDir.resolve("finish-unmatched.jsonl")).readAll();
        assertEquals(List.of(start.assistantMessageId()), kept.stream().map(AnswerEnd::messageId).toList());
        assertEquals("belongs to the first database", kept.getFirst().text());
        assertEquals(0, other.pendingWrites());
    }

    @Test
    void aDrainThatOutlivesCloseKeepsTheAnswersSpooledMeanwhile() throws Exception {
        JdbcConversationStore store = JdbcConversationStore.open(database,
                new JdbcConversationStore.Options(dataDir, 400_000, QUICK, Duration.ofMillis(300)), null);
        stores.add(store);
        List<AnswerStart> starts = begin(store, 3);
        database.setDown(true);
        store.finish(complete(starts.get(0).assistantMessageId(), "first"));
        StoreFixtures.await(() -> store.spooledTotal() == 1, Duration.ofSeconds(10), "first answer spooled");

        // The database comes back slow: the writer's drain hangs on the first entry.
        CountDownLatch slow = database.holdConnections();
        database.setDown(false);
        StoreFixtures.await(() -> database.waiting() == 1, Duration.ofSeconds(10), "drain waiting for the database");
        store.finish(complete(starts.get(1).assistantMessageId(), "second"));
        store.finish(complete(starts.get(2).assistantMessageId(), "third"));
        store.close(); // gives up waiting for the writer and spools the two queued answers
        stores.remove(store);
        assertEquals(3, new FinishSpool(store.spoolFile()).readAll().size());

        slow.countDown();
        StoreFixtures.await(() -> status(starts.get(0)) == AnswerStatus.COMPLETE, Duration.ofSeconds(10),
                "the drain applied the first answer");
        Thread.sleep(300);
        assertEquals(List.of("second", "third"),
                new FinishSpool(store.spoolFile()).readAll().stream().map(AnswerEnd::text).toList());
    }

    @Test
    void aSpoolWhoseLastLineIsTornInsideACharacterIsStillApplied() throws Exception {
        JdbcConversationStore first = open(QUICK);
        AnswerStart start = begin(first, 1).getFirst();
        first.close();
        stores.remove(first);
        byte[] good = (FinishSpool.encode(complete(start.assistantMessageId(), "sp\u00e4t")) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] torn = "{\"messageId\":\"x\",\"text\":\"\u00e4".getBytes(StandardCharsets.UTF_8);
        Path spool = dataDir.resolve(JdbcConversationStore.SPOOL_FILE);
        Files.write(spool, good);
        Files.write(spool, Arrays.copyOf(torn, torn.length - 1), StandardOpenOption.APPEND); // half of the ä

        JdbcConversationStore second = open(QUICK);

        assertEquals("sp\u00e4t", second.findAnswer("alice", start.assistantMessageId()).orElseThrow().end().text());
        assertFalse(Files.exists(spool), "the torn line is dropped with the applied entry");
    }

    @Test
    void theWriterSurvivesAnErrorAndLaterAnswersAreNotHeldUp() throws Exception {
        JdbcConversationStore store = open(QUICK);
        List<AnswerStart> starts = begin(store, 2);
        database.failOnceWith(new OutOfMemoryError("test: no memory for this write"));
        store.finish(complete(starts.get(0).assistantMessageId(), "after the error"));
        store.finish(complete(starts.get(1).assistantMessageId(), "next"));

        awaitWritten(store, Duration.ofSeconds(10));
        assertEquals(AnswerStatus.COMPLETE, status(starts.get(0)));
        assertEquals(AnswerStatus.COMPLETE, status(starts.get(1)));
    }

    /** The answer's status, read straight from the database (not through a store that may be closed). */
    private AnswerStatus status(AnswerStart start) {
        try (Connection connection = database.getConnection();
             PreparedStatement query = Sql.prepare(connection, "SELECT status FROM messages WHERE id = ?",
                     start.assistantMessageId());
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return AnswerStatus.valueOf(rows.getString(1).toUpperCase(Locale.ROOT));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
