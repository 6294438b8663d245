package dev.claudesse.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import static dev.claudesse.store.StoreFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Migrations from an empty database and from the previous version; run on H2 and on PostgreSQL. */
abstract class MigrationsContract {

    @TempDir
    Path dataDir;

    abstract DataSource freshDatabase() throws Exception;

    @Test
    void anEmptyDatabaseGetsEveryStepOnceAndNothingMoreOnTheNextStart() throws Exception {
        DataSource database = freshDatabase();
        assertEquals(0, Migrations.currentVersion(database));

        assertEquals(Migrations.ALL.size(), Migrations.migrate(database));
        assertEquals(Migrations.LATEST, Migrations.currentVersion(database));
        assertEquals(0, Migrations.migrate(database), "a second start runs nothing");
        assertEquals(Migrations.ALL.size(), count(database, "SELECT COUNT(*) FROM schema_version"));
    }

    @Test
    void nodesStartingTogetherOnAnEmptyDatabaseAllStartAndEachStepRunsOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            DataSource database = freshDatabase();
            java.util.concurrent.ExecutorService nodes = java.util.concurrent.Executors.newFixedThreadPool(3);
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(3);
            try {
                List<java.util.concurrent.Future<Integer>> starts = new java.util.ArrayList<>();
                for (int node = 0; node < 3; node++) {
                    starts.add(nodes.submit(() -> {
                        together.await();
                        return Migrations.migrate(database);
                    }));
                }
                int ran = 0;
                for (java.util.concurrent.Future<Integer> start : starts) {
                    ran += start.get(); // a node whose migration failed would throw here
                }
                assertEquals(Migrations.ALL.size(), ran, "each step ran once, by one of the nodes");
            } finally {
                nodes.shutdownNow();
            }
            assertEquals(Migrations.LATEST, Migrations.currentVersion(database));
            assertEquals(Migrations.ALL.size(), count(database, "SELECT COUNT(*) FROM schema_version"));
        }
    }

    @Test
    void aDatabaseOfThePreviousVersionIsUpgradedWithItsDataIntact() throws Exception {
        DataSource database = freshDatabase();
        int previous = Migrations.LATEST - 1;
        Migrations.migrateTo(database, previous);
        assertEquals(previous, Migrations.currentVersion(database));
        writeOldRows(database);

        JdbcConversationStore store = JdbcConversationStore.open(database,
                JdbcConversationStore.Options.defaults(dataDir), null);
        try {
            assertEquals(Migrations.LATEST, Migrations.currentVersion(database));
            ConversationDetail old = store.findConversation("alice", "c-old").orElseThrow();
            assertEquals("Old talk", old.title());
            assertEquals(List.of("old question", "old answer", "cut off", ""),
                    old.messages().stream().map(StoredMessage::text).toList());
            StoredMessage answer = old.messages().get(1);
            assertEquals(AnswerStatus.COMPLETE, answer.status());
            assertEquals(List.of(100L, 20L, 3L, 4L, 0L, 0L), List.of(answer.usage().inputTokens(),
                    answer.usage().outputTokens(), answer.usage().cacheCreationInputTokens(),
                    answer.usage().cacheReadInputTokens(), answer.usage().cacheCreation5mTokens(),
                    answer.usage().cacheCreation1hTokens()));
            assertEquals(0, new BigDecimal("0.0001234567").compareTo(old.totalCost()));
            assertEquals(AnswerStatus.INTERRUPTED, old.messages().get(3).status(), "left streaming by the old run");

            Started next = store.begin(StoreFixtures.question("alice", "c-old", "new question"));
            assertEquals(List.of(new Turn("user", "old question"), new Turn("assistant", "old answer")),
                    next.history());
            assertEquals(6, store.findConversation("alice", "c-old").orElseThrow().messages().size());
            // Version 2's unique index now guards positions.
            assertThrows(SQLException.class, () -> insertMessage(database, "m-dup", 0, "user", "dup", "complete"));
        } finally {
            store.close();
        }
    }

    /** Rows as the previous version's schema holds them. */
    private static void writeOldRows(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection()) {
            OffsetDateTime at = T0.atOffset(java.time.ZoneOffset.UTC);
            Sql.update(connection, "INSERT INTO conversations (id, owner, title, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?)", "c-old", "alice", "Old talk", at, at);
        }
        insertMessage(database, "m-1", 0, "user", "old question", "complete");
        insertMessage(database, "m-2", 1, "assistant", "old answer", "complete");
        insertMessage(database, "m-3", 2, "user", "cut off", "complete");
        insertMessage(database, "m-4", 3, "assistant", "", "streaming");
        try (Connection connection = database.getConnection()) {
            Sql.update(connection, "UPDATE messages SET input_tokens = 100, output_tokens = 20,"
                    + " cache_creation_input_tokens = 3, cache_read_input_tokens = 4, cost = ? WHERE id = 'm-2'",
                    new BigDecimal("0.0001234567"));
        }
    }

    private static void insertMessage(DataSource database, String id, int position, String role, String text,
                                      String status) throws SQLException {
        try (Connection connection = database.getConnection()) {
            Sql.update(connection, "INSERT INTO messages (id, conversation_id, position, role, content, model,"
                            + " status, created_at) VALUES (?, 'c-old', ?, ?, ?, 'claude-old', ?, ?)",
                    id, position, role, text, status, T0.atOffset(java.time.ZoneOffset.UTC));
        }
    }

    private static long count(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection();
             var query = connection.prepareStatement(sql);
             var rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
