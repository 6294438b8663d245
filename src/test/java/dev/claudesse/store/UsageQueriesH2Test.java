package dev.claudesse.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.claudesse.store.StoreFixtures.awaitWritten;
import static dev.claudesse.store.StoreFixtures.end;
import static dev.claudesse.store.StoreFixtures.newId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The usage figures on H2 (the default store): answers of the period summed per UTC day, model and owner,
 * the top owners and the rest, statuses, the conversations that cost most; answers outside the period left
 * out. JdbcUsagePostgresIT runs the same queries on PostgreSQL with a million messages.
 */
class UsageQueriesH2Test {

    static final Instant NOW = Instant.parse("2026-11-30T15:00:00Z");
    static final LocalDate TODAY = LocalDate.parse("2026-11-30");

    @TempDir
    Path dataDir;
    JdbcConversationStore store;

    @BeforeEach
    void open() throws Exception {
        store = JdbcConversationStore.open(JdbcConversationStoreH2Test.h2InMemory(),
                JdbcConversationStore.Options.defaults(dataDir), null);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** One question and its answer, started at `at`; returns the conversation's id. */
    String answer(String owner, String conversationId, String model, Instant at, AnswerStatus status, String cost)
            throws Exception {
        AnswerStart start = new AnswerStart(owner, conversationId, newId(), newId(), "question at " + at, model, at);
        Started started = store.begin(start);
        store.finish(end(start.assistantMessageId(), status, "answer", cost));
        return started.conversationId();
    }

    @Test
    void sumsTheAnswersOfTheLastThirtyDaysByDayModelOwnerAndStatus() throws Exception {
        Instant today = NOW.minusSeconds(3600);
        Instant threeDaysAgo = NOW.minus(Duration.ofDays(3));
        Instant firstDay = Instant.parse("2026-11-01T00:00:00Z");
        String big = answer("user:alice", null, "claude-opus-5-5", today, AnswerStatus.COMPLETE, "0.5");
        answer("user:alice", big, "claude-opus-5-5", threeDaysAgo, AnswerStatus.COMPLETE, "0.25");
        String small = answer("token:backend", null, "claude-haiku-5-5", today, AnswerStatus.STOPPED, "0.01");
        answer("anon:some-browser-owner-id-01", null, "claude-haiku-5-5", firstDay, AnswerStatus.ERROR, "0.002");
        answer("anon:some-browser-owner-id-02", null, "claude-haiku-5-5", today, AnswerStatus.COMPLETE, null);
        // outside the period: the day before its first day, and a clock ahead of ours
        answer("user:alice", null, "claude-opus-5-5", firstDay.minusMillis(1), AnswerStatus.COMPLETE, "100");
        answer("user:alice", null, "claude-opus-5-5", Instant.parse("2026-12-01T00:00:00Z"), AnswerStatus.COMPLETE,
                "100");
        awaitWritten(store, Duration.ofSeconds(10));

        UsageReport report = store.usage(NOW, 30, 2, 2);

        assertEquals(LocalDate.parse("2026-11-01"), report.firstDay());
        assertEquals(30, report.days());
        assertEquals(0, new BigDecimal("0.762").compareTo(report.total()), report.toString());
        assertEquals(5, report.answers());
        assertEquals(1, report.estimatedAnswers(), "the answer without a price");
        List<BigDecimal> perDay = report.perDay();
        assertEquals(30, perDay.size());
        assertAmount("0.002", perDay.get(0));
        assertAmount("0.25", perDay.get(26));
        assertAmount("0.51", perDay.get(29));
        assertAmount("0", perDay.get(15));

        assertEquals(List.of("claude-opus-5-5", "claude-haiku-5-5"),
                report.byModel().stream().map(UsageReport.Series::name).toList(), "most spent first");
        UsageReport.Series haiku = report.byModel().get(1);
        assertAmount("0.012", haiku.total());
        assertEquals(3, haiku.answers());
        assertAmount("0.01", haiku.perDay().get(29));
        assertAmount("0.002", haiku.perDay().get(0));

        assertEquals(List.of("user:alice", "token:backend"),
                report.byOwner().stream().map(UsageReport.Series::name).toList());
        assertAmount("0.75", report.byOwner().get(0).total());
        assertEquals(2, report.byOwner().get(0).answers());
        UsageReport.Series others = report.otherOwners();
        assertAmount("0.002", others.total());
        assertEquals(2, others.answers(), "two anonymous owners, one without a price");
        assertAmount("0.002", others.perDay().get(0));
        assertAmount("0", others.perDay().get(29));
        assertEquals(4, report.owners());

        assertEquals(Map.of("complete", 3L, "stopped", 1L, "error", 1L), report.answersByStatus());

        assertEquals(2, report.topConversations().size());
        UsageReport.TopConversation first = report.topConversations().get(0);
        assertEquals(big, first.id());
        assertEquals("user:alice", first.owner());
        assertEquals("question at " + today, first.title());
        assertAmount("0.75", first.cost());
        assertEquals(2, first.answers());
        assertEquals(4, first.messages(), "two questions and their answers");
        assertEquals(small, report.topConversations().get(1).id());
    }

    @Test
    void anEmptyStoreHasThirtyZeroDaysAndNoOwners() {
        UsageReport report = store.usage(NOW, 30, 8, 10);

        assertEquals(TODAY.minusDays(29), report.firstDay());
        assertEquals(30, report.perDay().size());
        assertAmount("0", report.total());
        assertEquals(List.of(), report.byModel());
        assertEquals(List.of(), report.byOwner());
        assertNull(report.otherOwners());
        assertEquals(0, report.owners());
        assertEquals(Map.of(), report.answersByStatus());
        assertEquals(List.of(), report.topConversations());
        assertThrows(IllegalArgumentException.class, () -> store.usage(NOW, 0, 8, 10));
    }

    @Test
    void migrationFiveIndexesMessagesByTime() throws Exception {
        assertEquals(5, Migrations.ALL.get(4).version());
        assertEquals(List.of("CREATE INDEX messages_created_at ON messages (created_at)"),
                Migrations.ALL.get(4).statements());
    }

    static void assertAmount(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), "expected " + expected + ", got " + actual);
    }
}
