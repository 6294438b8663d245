package dev.claudesse.store;

import dev.claudesse.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static dev.claudesse.store.StoreFixtures.awaitWritten;
import static dev.claudesse.store.StoreFixtures.end;
import static dev.claudesse.store.StoreFixtures.question;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real PostgreSQL stopped in the middle of a run of answers, and started again: every answer ends up in
 * the database exactly once, with its status, text and cost, and the spool is empty afterwards.
 */
class StoreOutageIT {

    static final int ANSWERS = 200;
    /** Give up retrying after 1 s, so an outage of a few seconds sends answers through the spool too. */
    static final FinishRetry RETRY = new FinishRetry(Duration.ofMillis(50), Duration.ofMillis(400),
            Duration.ofSeconds(1), Duration.ofMillis(200));

    static PostgresServer server;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        server = PostgresServer.start("outage");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    JdbcConversationStore open(DataSource database) throws Exception {
        return JdbcConversationStore.open(database,
                JdbcConversationStore.Options.defaults(dataDir).withRetry(RETRY), null);
    }

    static AnswerEnd endOf(AnswerStart start, int i) {
        AnswerStatus status = switch (i % 3) {
            case 0 -> AnswerStatus.COMPLETE;
            case 1 -> AnswerStatus.STOPPED;
            default -> AnswerStatus.ERROR;
        };
        return end(start.assistantMessageId(), status, "answer " + i, "0.00" + (1000 + i));
    }

    @Test
    void answersFinishedAcrossAnOutageAreAllSavedOnce() throws Exception {
        DataSource database = server.dataSource(server.createDatabase());
        JdbcConversationStore store = open(database);
        try {
            List<AnswerStart> starts = new ArrayList<>();
            for (int i = 0; i < ANSWERS; i++) {
                AnswerStart start = question("owner" + (i % 7), null, "question " + i);
                store.begin(start);
                starts.add(start);
            }

            CountDownLatch third = new CountDownLatch(ANSWERS / 3);
            AtomicLong slowestFinishNanos = new AtomicLong();
            Thread engine = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < ANSWERS; i++) {
                    long before = System.nanoTime();
                    store.finish(endOf(starts.get(i), i));
                    slowestFinishNanos.accumulateAndGet(System.nanoTime() - before, Math::max);
                    third.countDown();
                    sleep(15);
                }
            });
            third.await();
            server.stopServer();
            sleep(2500);
            server.startServer();
            engine.join();

            assertTrue(slowestFinishNanos.get() < 50_000_000L,
                    "finish() took " + slowestFinishNanos.get() / 1_000_000 + " ms");
            awaitWritten(store, Duration.ofSeconds(90));
            assertTrue(store.spooledTotal() > 0, "the outage was long enough to use the spool");
            assertFalse(Files.exists(store.spoolFile()), "the spool is empty afterwards");

            assertEquals(2L * ANSWERS, count(database, "SELECT COUNT(*) FROM messages"));
            for (int i = 0; i < ANSWERS; i++) {
                AnswerEnd expected = endOf(starts.get(i), i);
                AnswerEnd saved = store.findAnswer("owner" + (i % 7), expected.messageId()).orElseThrow().end();
                assertEquals(expected.status(), saved.status(), "answer " + i);
                assertEquals(expected.text(), saved.text(), "answer " + i);
                assertEquals(0, expected.cost().compareTo(saved.cost()), "cost of answer " + i);
            }
            assertEquals(0, count(database, "SELECT COUNT(*) FROM messages WHERE status = 'streaming'"));
        } finally {
            store.close();
        }
    }

    @Test
    void answersSpooledWhileTheDatabaseWasDownAreAppliedByTheNextStart() throws Exception {
        DataSource database = server.dataSource(server.createDatabase());
        JdbcConversationStore first = open(database);
        List<AnswerStart> starts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            AnswerStart start = question("alice", null, "question " + i);
            first.begin(start);
            starts.add(start);
        }
        server.stopServer();
        try {
            for (int i = 0; i < starts.size(); i++) {
                first.finish(endOf(starts.get(i), i));
            }
            first.close();
            assertEquals(10, Files.readAllLines(first.spoolFile()).size());
        } finally {
            server.startServer();
        }

        JdbcConversationStore second = open(database);
        try {
            assertFalse(Files.exists(second.spoolFile()), "applied at startup");
            for (int i = 0; i < starts.size(); i++) {
                AnswerEnd expected = endOf(starts.get(i), i);
                AnswerEnd saved = second.findAnswer("alice", expected.messageId()).orElseThrow().end();
                assertEquals(expected.status(), saved.status());
                assertEquals(expected.text(), saved.text());
                assertEquals(0, new BigDecimal("0.00" + (1000 + i)).compareTo(saved.cost()));
            }
        } finally {
            second.close();
        }
    }

    static long count(DataSource database, String sql) throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement query = connection.prepareStatement(sql);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
