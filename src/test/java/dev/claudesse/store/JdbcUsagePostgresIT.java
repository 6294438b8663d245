package dev.claudesse.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.testsupport.PostgresServer;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage page's queries on a real PostgreSQL holding a million messages: 50,000 conversations of 20
 * messages (questions and answers) of 2,000 owners, written in time order over the last 365 days (so the
 * 30-day period is about 82,000 of them, as on a server in use for a year). Generated in the database itself
 * (generate_series), then each query of {@link UsageQueries} is explained and run at schema version 4 (no
 * index on created_at) and again after migration 5. Asserts the plans only: at version 5 no query reads all
 * of messages (no Seq Scan on it) and the period's aggregates go through messages_created_at (the top owners'
 * days may as well start from those owners' conversations, as they do without the index). The timings are
 * printed and written to target/usage-timings.txt, never asserted (the machine is shared); docs/usage.md
 * quotes them.
 */
class JdbcUsagePostgresIT {

    static final int MESSAGES = 1_000_000;
    static final int PER_CONVERSATION = 20;
    static final int OWNERS = 2_000;
    static final Duration SPAN = Duration.ofDays(365);
    static final ObjectMapper JSON = new ObjectMapper();

    /** One query of the page as run: its name, SQL and parameters. */
    record Query(String name, String sql, List<Object> parameters) {
    }

    /** What EXPLAIN ANALYZE says of one run: the scans of messages, whether it read it whole, and the time. */
    record Plan(List<String> messageScans, boolean fullScan, double millis) {
        String scans() {
            return String.join(" + ", messageScans);
        }
    }

    @Test
    void everyQueryOfTheUsagePageUsesTheIndexesOnAMillionMessages() throws Exception {
        PostgresServer server = PostgresServer.shared();
        PGSimpleDataSource database = (PGSimpleDataSource) server.dataSource(server.createDatabase());
        database.setSocketTimeout(300); // the bulk load is one long statement
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        StringBuilder out = new StringBuilder();

        // load before the indexes of versions 2..5 exist: building them once is faster than keeping them up
        Migrations.migrateTo(database, 1);
        long loadNanos = System.nanoTime();
        load(database, now);
        Migrations.migrateTo(database, 4);
        vacuumAnalyze(database);
        out.append(String.format(Locale.ROOT, "loaded %,d messages in %,d conversations of %,d owners, indexed and"
                        + " analyzed (schema version 4) in %.1f s%n", MESSAGES, MESSAGES / PER_CONVERSATION, OWNERS,
                (System.nanoTime() - loadNanos) / 1e9));
        long inPeriod = count(database, "SELECT COUNT(*) FROM messages WHERE created_at >= ?",
                UsageQueries.bounds(UsageQueries.firstDay(now, 30), 30)[0]);
        out.append(String.format(Locale.ROOT, "messages in the 30-day period: %,d%n", inPeriod));

        List<Query> queries;
        UsageReport report;
        try (Connection connection = database.getConnection()) {
            report = UsageQueries.read(connection, now, 30, 8, 10); // also warms the cache for both runs
            queries = queries(now, report);
        }
        Map<String, Plan> before = explainAll(database, queries);
        double readBefore = timeRead(database, now);

        long indexNanos = System.nanoTime();
        Migrations.migrateTo(database, 5); // this step's cost alone: later steps are measured elsewhere
        assertEquals(5, Migrations.currentVersion(database));
        analyze(database);
        out.append(String.format(Locale.ROOT, "migration 5 (CREATE INDEX messages_created_at) and ANALYZE: %.1f s%n",
                (System.nanoTime() - indexNanos) / 1e9));
        Map<String, Plan> after = explainAll(database, queries);
        double readAfter = timeRead(database, now);

        out.append(String.format(Locale.ROOT, "%-18s | %-44s | %9s | %-44s | %9s%n", "query",
                "scan of messages at version 4", "ms", "scan of messages at version 5", "ms"));
        for (Query query : queries) {
            Plan old = before.get(query.name());
            Plan now5 = after.get(query.name());
            out.append(String.format(Locale.ROOT, "%-18s | %-44s | %9.1f | %-44s | %9.1f%n", query.name(),
                    old.scans(), old.millis(), now5.scans(), now5.millis()));
        }
        out.append(String.format(Locale.ROOT, "whole report (UsageQueries.read, wall clock): %.0f ms at version 4,"
                + " %.0f ms at version 5%n", readBefore, readAfter));
        System.out.print(out);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "usage-timings.txt"), out);

        // the plans: before, the period's aggregates read all of messages; after, none does
        assertTrue(before.get("byModel").fullScan(), "without migration 5 a seq scan is expected: " + before);
        for (Query query : queries) {
            Plan plan = after.get(query.name());
            assertFalse(plan.fullScan(), query.name() + " reads all of messages: " + plan);
            assertFalse(plan.messageScans().isEmpty(), query.name() + " has no scan of messages: " + plan);
        }
        for (String name : List.of("byModel", "topOwners", "byStatus", "topConversations")) {
            assertTrue(after.get(name).scans().contains("messages_created_at"), name + ": " + after.get(name));
        }

        // and the figures are the database's own sums
        BigDecimal total = decimal(database, "SELECT SUM(cost) FROM messages WHERE created_at >= ? AND created_at < ?"
                + " AND role = 'assistant'", UsageQueries.bounds(report.firstDay(), 30));
        assertEquals(0, total.compareTo(report.total()), report.total() + " vs " + total);
        assertTrue(Math.abs(inPeriod - 2 * report.answers()) <= 1, "half of the messages are answers: " + report.answers());
        assertEquals(OWNERS, report.owners());
        assertEquals(8, report.byOwner().size());
        assertEquals(3, report.byModel().size());
        assertEquals(10, report.topConversations().size());
        assertEquals(report.answers(), report.answersByStatus().values().stream().mapToLong(Long::longValue).sum());
    }

    /** The million messages, in time order, with the conversations they belong to, in two statements. */
    static void load(PGSimpleDataSource database, Instant now) throws SQLException {
        OffsetDateTime start = now.minus(SPAN).atOffset(ZoneOffset.UTC);
        double step = SPAN.toSeconds() / (double) MESSAGES;
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = off");
            // the rows are consistent by construction: skip the foreign key's check of each message
            statement.execute("SET session_replication_role = replica");
            try (PreparedStatement conversations = connection.prepareStatement("""
                    INSERT INTO conversations (id, owner, title, created_at, updated_at)
                    SELECT 'c' || g, CASE WHEN g % 4 = 0 THEN 'anon:browser-' || (g % ?) ELSE 'user:u' || (g % ?) END,
                           'Conversation ' || g, ? + make_interval(secs => g * ? * ?),
                           ? + make_interval(secs => (g * ? + ?) * ?)
                    FROM generate_series(0, ? - 1) g""")) {
                int count = MESSAGES / PER_CONVERSATION;
                Object[] values = {OWNERS, OWNERS, start, PER_CONVERSATION, step, start, PER_CONVERSATION,
                        PER_CONVERSATION - 1, step, count};
                for (int i = 0; i < values.length; i++) {
                    conversations.setObject(i + 1, values[i]);
                }
                conversations.executeUpdate();
            }
            try (PreparedStatement messages = connection.prepareStatement("""
                    INSERT INTO messages (id, conversation_id, position, role, content, model, status, stop_reason,
                                          input_tokens, output_tokens, cost, cost_estimated, created_at, finished_at)
                    SELECT 'm' || i, 'c' || (i / ?), i % ?,
                           CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END,
                           CASE WHEN i % 2 = 0 THEN 'Question number ' || i || ', about something or other?'
                                ELSE 'Answer number ' || i || ': a few words standing for a longer text.' END,
                           (ARRAY['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-5-5'])[1 + (i / 2) % 3],
                           CASE WHEN i % 2 = 0 THEN 'complete' WHEN i % 101 = 1 THEN 'error'
                                WHEN i % 31 = 1 THEN 'stopped' ELSE 'complete' END,
                           CASE WHEN i % 2 = 1 THEN 'end_turn' END,
                           CASE WHEN i % 2 = 1 THEN 1000 + i % 5000 ELSE 0 END,
                           CASE WHEN i % 2 = 1 THEN 200 + i % 800 ELSE 0 END,
                           CASE WHEN i % 2 = 1 THEN (i % 997) * 0.00001 END,
                           i % 2 = 1 AND i % 31 = 1,
                           ? + make_interval(secs => i * ?), ? + make_interval(secs => i * ? + 1)
                    FROM generate_series(0, ? - 1) i""")) {
                Object[] values = {PER_CONVERSATION, PER_CONVERSATION, start, step, start, step, MESSAGES};
                for (int i = 0; i < values.length; i++) {
                    messages.setObject(i + 1, values[i]);
                }
                messages.executeUpdate();
            }
        }
    }

    /** Each query as UsageQueries.read runs it, with the owners and conversations the report found. */
    static List<Query> queries(Instant now, UsageReport report) {
        OffsetDateTime[] period = UsageQueries.bounds(UsageQueries.firstDay(now, 30), 30);
        List<Object> owners = new ArrayList<>(List.of(period[0], period[1]));
        report.byOwner().forEach(series -> owners.add(series.name()));
        List<Object> conversations = new ArrayList<>();
        report.topConversations().forEach(c -> conversations.add(c.id()));
        return List.of(
                new Query("byModel", UsageQueries.BY_MODEL, List.of(period[0], period[1])),
                new Query("topOwners", UsageQueries.TOP_OWNERS, List.of(period[0], period[1], 8)),
                new Query("ownerDays", UsageQueries.ownerDays(report.byOwner().size()), owners),
                new Query("byStatus", UsageQueries.BY_STATUS, List.of(period[0], period[1])),
                new Query("topConversations", UsageQueries.TOP_CONVERSATIONS, List.of(period[0], period[1], 10)),
                new Query("conversations", UsageQueries.conversations(conversations.size()), conversations));
    }

    static Map<String, Plan> explainAll(PGSimpleDataSource database, List<Query> queries) throws Exception {
        Map<String, Plan> plans = new LinkedHashMap<>();
        try (Connection connection = database.getConnection()) {
            for (Query query : queries) {
                plans.put(query.name(), explain(connection, query));
            }
        }
        return plans;
    }

    /** EXPLAIN (ANALYZE): runs the query once and says how, and how long it took in the server. */
    static Plan explain(Connection connection, Query query) throws Exception {
        try (PreparedStatement statement = Sql.prepare(connection, "EXPLAIN (ANALYZE, FORMAT JSON) " + query.sql(),
                query.parameters().toArray());
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            JsonNode root = JSON.readTree(rows.getString(1)).get(0);
            List<String> scans = new ArrayList<>();
            boolean[] full = {false};
            walk(root.path("Plan"), scans, full);
            return new Plan(scans, full[0], root.path("Execution Time").asDouble());
        }
    }

    private static void walk(JsonNode node, List<String> scans, boolean[] full) {
        if ("messages".equals(node.path("Relation Name").asText())) {
            String type = node.path("Node Type").asText();
            scans.add(type + (node.has("Index Name") ? " " + node.path("Index Name").asText() : ""));
            full[0] |= type.equals("Seq Scan");
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child, scans, full);
        }
    }

    /** The whole report, as api/usage reads it, timed on the client (best of three). */
    static double timeRead(PGSimpleDataSource database, Instant now) throws SQLException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            try (Connection connection = database.getConnection()) {
                long started = System.nanoTime();
                UsageQueries.read(connection, now, 30, 8, 10);
                best = Math.min(best, (System.nanoTime() - started) / 1e6);
            }
        }
        return best;
    }

    static void vacuumAnalyze(PGSimpleDataSource database) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE conversations");
            statement.execute("VACUUM ANALYZE messages");
        }
    }

    static void analyze(PGSimpleDataSource database) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE messages");
        }
    }

    static long count(PGSimpleDataSource database, String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement query = Sql.prepare(connection, sql, parameters);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static BigDecimal decimal(PGSimpleDataSource database, String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement query = Sql.prepare(connection, sql, parameters);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getBigDecimal(1);
        }
    }
}
