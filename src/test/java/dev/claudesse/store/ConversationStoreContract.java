package dev.claudesse.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.claudesse.store.StoreFixtures.T0;
import static dev.claudesse.store.StoreFixtures.awaitWritten;
import static dev.claudesse.store.StoreFixtures.complete;
import static dev.claudesse.store.StoreFixtures.end;
import static dev.claudesse.store.StoreFixtures.newId;
import static dev.claudesse.store.StoreFixtures.question;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every database under the store must do; run on H2 (JdbcConversationStoreH2Test) and on a real
 * PostgreSQL (JdbcConversationStorePostgresIT). Each test gets an empty database.
 */
abstract class ConversationStoreContract {

    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;
    DataSource database;
    JdbcConversationStore store;

    /** An empty database of its own for one test. */
    abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        database = freshDatabase();
        store = open(JdbcConversationStore.Options.defaults(dataDir));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    JdbcConversationStore open(JdbcConversationStore.Options options) throws SQLException {
        return JdbcConversationStore.open(database, options, null);
    }

    // ---- begin

    @Test
    void aFirstQuestionCreatesTheConversationWithItsTitleAndTwoRows() throws Exception {
        AnswerStart start = question("alice", null, "How do   tides\nwork?", T0);
        Started started = store.begin(start);

        assertNotNull(started.conversationId());
        assertEquals(List.of(), started.history());
        ConversationDetail detail = store.findConversation("alice", started.conversationId()).orElseThrow();
        assertEquals("How do tides work?", detail.title());
        assertEquals(T0, detail.createdAt());
        assertEquals(2, detail.messages().size());
        StoredMessage user = detail.messages().get(0);
        StoredMessage assistant = detail.messages().get(1);
        assertEquals(List.of(start.userMessageId(), "user", "How do   tides\nwork?", AnswerStatus.COMPLETE, 0),
                List.of(user.id(), user.role(), user.text(), user.status(), user.position()));
        assertEquals(List.of(start.assistantMessageId(), "assistant", "", AnswerStatus.STREAMING, 1),
                List.of(assistant.id(), assistant.role(), assistant.text(), assistant.status(), assistant.position()));
        assertEquals(StoreFixtures.MODEL, assistant.model());
    }

    @Test
    void aLongFirstQuestionGivesAShortTitle() throws Exception {
        String text = "Please explain in detail how the moon and the sun together cause the tides we see";
        Started started = store.begin(question("alice", null, text));
        String title = store.findConversation("alice", started.conversationId()).orElseThrow().title();
        assertEquals("Please explain in detail how the moon and the sun together\u2026", title);
    }

    @Test
    void anotherOwnersOrAnUnknownConversationIsNotFoundAndNothingIsSaved() throws Exception {
        Started alices = store.begin(question("alice", null, "mine"));

        AnswerStart bobs = question("bob", alices.conversationId(), "let me in");
        assertThrows(ConversationNotFoundException.class, () -> store.begin(bobs));
        assertThrows(ConversationNotFoundException.class,
                () -> store.begin(question("alice", "no-such-conversation", "hello")));

        assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE id IN (?, ?)",
                bobs.userMessageId(), bobs.assistantMessageId()));
        assertEquals(2, store.findConversation("alice", alices.conversationId()).orElseThrow().messages().size());
    }

    @Test
    void concurrentQuestionsInOneConversationGetDistinctPositions() throws Exception {
        String conversation = store.begin(question("alice", null, "first")).conversationId();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Started>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                AnswerStart start = question("alice", conversation, "q" + i);
                futures.add(pool.submit((Callable<Started>) () -> store.begin(start)));
            }
            for (Future<Started> future : futures) {
                assertEquals(conversation, future.get().conversationId());
            }
        } finally {
            pool.shutdown();
        }
        List<StoredMessage> messages = store.findConversation("alice", conversation).orElseThrow().messages();
        Set<Integer> positions = new HashSet<>();
        messages.forEach(m -> positions.add(m.position()));
        assertEquals(18, messages.size());
        assertEquals(18, positions.size());
    }

    // ---- finish

    @Test
    void everyEndingIsSavedWithItsStatusTextUsageAndCost() throws Exception {
        record Case(String name, AnswerEnd end) {
        }
        List<Case> cases = new ArrayList<>();
        for (String name : List.of("complete", "stopped", "error", "dropped", "shutdown", "interrupted")) {
            String id = store.begin(question("alice", null, name)).conversationId();
            String messageId = store.findConversation("alice", id).orElseThrow().messages().get(1).id();
            AnswerEnd end = switch (name) {
                case "complete" -> end(messageId, AnswerStatus.COMPLETE, "The whole answer.", "0.0045670000");
                case "stopped" -> end(messageId, AnswerStatus.STOPPED, "Half an ans", "0.0000123456");
                case "error" -> end(messageId, AnswerStatus.ERROR, "Cut by an err", "0.0000004200");
                case "dropped" -> end(messageId, AnswerStatus.COMPLETE, "Finished after the tab closed", "0.01");
                case "shutdown" -> end(messageId, AnswerStatus.STOPPED, "Saved at shutdown", "0.0000000001");
                default -> end(messageId, AnswerStatus.INTERRUPTED, "", null);
            };
            cases.add(new Case(name, end));
            store.finish(end);
        }
        awaitWritten(store, WAIT);

        for (Case c : cases) {
            AnswerEnd expected = c.end();
            AnswerEnd saved = store.findAnswer("alice", expected.messageId()).orElseThrow().end();
            assertEquals(expected.status(), saved.status(), c.name());
            assertEquals(expected.text(), saved.text(), c.name());
            assertEquals(expected.thinking(), saved.thinking(), c.name());
            assertEquals(expected.stopReason(), saved.stopReason(), c.name());
            assertEquals(expected.usage(), saved.usage(), c.name());
            assertCost(expected.cost(), saved.cost());
            assertEquals(expected.requestId(), saved.requestId(), c.name());
            assertEquals(expected.errorType(), saved.errorType(), c.name());
            assertEquals(expected.errorMessage(), saved.errorMessage(), c.name());
            assertEquals(expected.firstTokenAt(), saved.firstTokenAt(), c.name());
            assertEquals(expected.finishedAt(), saved.finishedAt(), c.name());
        }
    }

    @Test
    void aSecondFinishOfTheSameAnswerChangesNothing() throws Exception {
        AnswerStart start = question("alice", null, "once");
        store.begin(start);
        store.finish(complete(start.assistantMessageId(), "first end"));
        store.finish(end(start.assistantMessageId(), AnswerStatus.ERROR, "second end", "9"));
        awaitWritten(store, WAIT);

        AnswerEnd saved = store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end();
        assertEquals(AnswerStatus.COMPLETE, saved.status());
        assertEquals("first end", saved.text());
        assertEquals(2, count("SELECT COUNT(*) FROM messages"));
    }

    @Test
    void finishingMovesTheConversationToTheTopOfTheList() throws Exception {
        AnswerStart older = question("alice", null, "older", T0);
        AnswerStart newer = question("alice", null, "newer", T0.plusSeconds(10));
        store.begin(older);
        store.begin(newer);
        assertEquals("newer", store.listConversations("alice", 10, 0).conversations().getFirst().title());

        AnswerEnd end = complete(older.assistantMessageId(), "late answer");
        store.finish(new AnswerEnd(end.messageId(), end.status(), end.stopReason(), end.text(), end.thinking(),
                end.usage(), end.cost(), false, null, null, null, null, T0.plusSeconds(60), null));
        awaitWritten(store, WAIT);

        ConversationSummary top = store.listConversations("alice", 10, 0).conversations().getFirst();
        assertEquals("older", top.title());
        assertEquals(T0.plusSeconds(60), top.updatedAt());
    }

    @Test
    void textWithNulCharactersComesBackExactlyAsSent() throws Exception {
        // PostgreSQL's text refuses U+0000; the store escapes it (and its escape character) both ways.
        String question = "a NUL \u0000 here, \uE000 the escape, \uE000\u0000 both, \\0 and \u00000 at the end\u0000";
        AnswerStart start = question("alice", null, question);
        String conversation = store.begin(start).conversationId();
        String text = "\u0000answer\u0000\uE0000\uE000";
        AnswerEnd end = new AnswerEnd(start.assistantMessageId(), AnswerStatus.ERROR, "end_turn", text,
                "thinking \u0000", StoreFixtures.usage(1, 2), new BigDecimal("0.001"), false, "req_1",
                "api_error", "bad \u0000 byte", T0, T0.plusSeconds(1), null);
        store.finish(end);
        awaitWritten(store, WAIT);

        ConversationDetail detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(question, detail.messages().get(0).text());
        assertEquals(Titles.fromFirstMessage(question), detail.title());
        AnswerEnd saved = store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end();
        assertEquals(AnswerStatus.ERROR, saved.status(), "written, not refused");
        assertEquals(List.of(text, "thinking \u0000", "bad \u0000 byte"),
                List.of(saved.text(), saved.thinking(), saved.errorMessage()));
        assertEquals(0, new FinishSpool(dataDir.resolve(JdbcConversationStore.REJECTED_FILE)).readAll().size());
        assertEquals(List.of(new Turn("user", question), new Turn("assistant", text)),
                store.begin(question("alice", conversation, "again \u0000")).history());
        assertTrue(store.findConversation("alice", "\u0000").isEmpty(), "a NUL in an id is just not found");
    }

    // ---- history

    @Test
    void historyKeepsAnsweredAndStoppedTurnsAndSkipsFailedEmptyOnes() throws Exception {
        AnswerStart q1 = question("alice", null, "q1");
        String conversation = store.begin(q1).conversationId();
        store.finish(complete(q1.assistantMessageId(), "a1"));
        AnswerStart q2 = question("alice", conversation, "q2 fails");
        store.begin(q2);
        store.finish(end(q2.assistantMessageId(), AnswerStatus.ERROR, "", null));
        AnswerStart q3 = question("alice", conversation, "q3 stopped");
        store.begin(q3);
        store.finish(end(q3.assistantMessageId(), AnswerStatus.STOPPED, "partial answ", "0.001"));
        awaitWritten(store, WAIT);

        Started started = store.begin(question("alice", conversation, "q4"));

        assertEquals(List.of(new Turn("user", "q1"), new Turn("assistant", "a1"),
                new Turn("user", "q3 stopped"), new Turn("assistant", "partial answ")), started.history());
    }

    @Test
    void historyOverTheBudgetLosesTheOldestPairs() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withHistoryChars(25));
        AnswerStart q1 = question("alice", null, "oldest q");
        String conversation = store.begin(q1).conversationId();
        store.finish(complete(q1.assistantMessageId(), "oldest a"));
        AnswerStart q2 = question("alice", conversation, "middle q");
        store.begin(q2);
        store.finish(complete(q2.assistantMessageId(), "middle a"));
        AnswerStart q3 = question("alice", conversation, "newest q");
        store.begin(q3);
        store.finish(complete(q3.assistantMessageId(), "newest a"));
        awaitWritten(store, WAIT);

        List<Turn> history = store.begin(question("alice", conversation, "next")).history();

        // Each pair is 16 characters: only the newest fits in 25.
        assertEquals(List.of(new Turn("user", "newest q"), new Turn("assistant", "newest a")), history);
    }

    @Test
    void historyIsReadInBatchesPastManyFailedTurnsAndStopsAtAMessageTooLongForTheBudget() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withHistoryChars(40));
        AnswerStart q1 = question("alice", null, "q1");
        String conversation = store.begin(q1).conversationId();
        store.finish(complete(q1.assistantMessageId(), "a1"));
        for (int i = 0; i < 20; i++) { // 40 rows without an answer: more than one batch
            AnswerStart failed = question("alice", conversation, "failed " + i);
            store.begin(failed);
            store.finish(end(failed.assistantMessageId(), AnswerStatus.ERROR, "", null));
        }
        awaitWritten(store, WAIT);
        assertEquals(List.of(new Turn("user", "q1"), new Turn("assistant", "a1")),
                store.begin(question("alice", conversation, "next")).history());

        AnswerStart huge = question("alice", conversation, "huge");
        store.begin(huge);
        store.finish(complete(huge.assistantMessageId(), "x".repeat(100)));
        AnswerStart last = question("alice", conversation, "last");
        store.begin(last);
        store.finish(complete(last.assistantMessageId(), "fine"));
        awaitWritten(store, WAIT);
        assertEquals(List.of(new Turn("user", "last"), new Turn("assistant", "fine")),
                store.begin(question("alice", conversation, "again")).history(), "the oldest go first");
    }

    // ---- limits

    @Test
    void aConversationFullOfMessagesRefusesTheNextQuestionAndSavesNothing() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withLimits(4, 1_000_000));
        String conversation = store.begin(question("alice", null, "one")).conversationId();
        store.begin(question("alice", conversation, "two"));

        AnswerStart third = question("alice", conversation, "three");
        ConversationFullException full = assertThrows(ConversationFullException.class, () -> store.begin(third));
        assertTrue(full.getMessage().contains("Start a new conversation"), full.getMessage());
        assertFalse(full.messageAlone());
        assertEquals(4, count("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", conversation));
        assertNotNull(store.begin(question("alice", null, "a new one")).conversationId());
    }

    @Test
    void aConversationFullOfTextRefusesTheNextQuestion() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withLimits(1000, 200));
        AnswerStart first = question("alice", null, "\u00e4".repeat(20)); // 40 bytes
        String conversation = store.begin(first).conversationId();
        store.finish(complete(first.assistantMessageId(), "y".repeat(30))); // and its thinking: 74 bytes
        awaitWritten(store, WAIT);
        store.begin(question("alice", conversation, "x".repeat(86))); // 200 bytes exactly

        ConversationFullException full = assertThrows(ConversationFullException.class,
                () -> store.begin(question("alice", conversation, "!")));
        assertFalse(full.messageAlone());
        ConversationFullException alone = assertThrows(ConversationFullException.class,
                () -> store.begin(question("alice", null, "z".repeat(201))));
        assertTrue(alone.messageAlone());
        assertEquals(1, store.listConversations("alice", 10, 0).conversations().size());
    }

    // ---- paging

    @Test
    void aConversationIsReadInPagesGoingBackInTimeEachInOrder() throws Exception {
        AnswerStart q0 = question("alice", null, "m0");
        String conversation = store.begin(q0).conversationId();
        store.finish(end(q0.assistantMessageId(), AnswerStatus.COMPLETE, "m1", "0.5"));
        for (int i = 2; i < 10; i += 2) {
            AnswerStart q = question("alice", conversation, "m" + i);
            store.begin(q);
            store.finish(end(q.assistantMessageId(), AnswerStatus.COMPLETE, "m" + (i + 1), "0.25"));
        }
        awaitWritten(store, WAIT);

        ConversationDetail newest = store.findConversation("alice", conversation, 4, null).orElseThrow();
        ConversationDetail middle = store.findConversation("alice", conversation, 4, newest.nextCursor()).orElseThrow();
        ConversationDetail oldest = store.findConversation("alice", conversation, 4, middle.nextCursor()).orElseThrow();

        assertEquals(List.of("m6", "m7", "m8", "m9"), texts(newest));
        assertEquals(List.of("m2", "m3", "m4", "m5"), texts(middle));
        assertEquals(List.of("m0", "m1"), texts(oldest));
        assertNull(oldest.nextCursor());
        for (ConversationDetail page : List.of(newest, middle, oldest)) {
            assertEquals(10, page.messageCount());
            assertCost(new BigDecimal("1.5"), page.totalCost()); // the whole conversation's, on every page
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"),
                texts(store.findConversation("alice", conversation).orElseThrow()));
        assertEquals(1, store.findConversation("alice", conversation, 0, null).orElseThrow().messages().size(),
                "the limit is at least 1");
        assertThrows(IllegalArgumentException.class, () -> store.findConversation("alice", conversation, 4, "x"));
    }

    static List<String> texts(ConversationDetail detail) {
        return detail.messages().stream().map(StoredMessage::text).toList();
    }

    // ---- startup

    @Test
    void aRestartMarksAnswersLeftStreamingAsInterruptedAndTheirRealEndStillLands() throws Exception {
        AnswerStart crashed = question("alice", null, "cut by a crash");
        store.begin(crashed);
        store.close();

        store = open(JdbcConversationStore.Options.defaults(dataDir));
        assertEquals(AnswerStatus.INTERRUPTED,
                store.findAnswer("alice", crashed.assistantMessageId()).orElseThrow().end().status());

        store.finish(complete(crashed.assistantMessageId(), "the real end"));
        awaitWritten(store, WAIT);
        AnswerEnd saved = store.findAnswer("alice", crashed.assistantMessageId()).orElseThrow().end();
        assertEquals(AnswerStatus.COMPLETE, saved.status());
        assertEquals("the real end", saved.text());
    }

    @Test
    void aRunningAnswersProgressIsSavedSoonAndKeptWhenItsNodeDies() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withProgressInterval(Duration.ofMillis(100)));
        assertEquals(Duration.ofMillis(100), store.progressInterval());
        AnswerStart running = question("alice", null, "a long answer");
        store.begin(running);

        store.saveProgress(running.assistantMessageId(), "The first half", "thought so far");
        long deadline = System.nanoTime() + WAIT.toNanos();
        AnswerEnd saved = store.findAnswer("alice", running.assistantMessageId()).orElseThrow().end();
        while (!saved.text().equals("The first half") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            saved = store.findAnswer("alice", running.assistantMessageId()).orElseThrow().end();
        }
        assertEquals(List.of("The first half", "thought so far", AnswerStatus.STREAMING),
                List.of(saved.text(), saved.thinking(), saved.status()));

        store.close(); // the node dies; its next start marks the answer interrupted and keeps the text
        store = open(JdbcConversationStore.Options.defaults(dataDir));
        saved = store.findAnswer("alice", running.assistantMessageId()).orElseThrow().end();
        assertEquals(List.of("The first half", AnswerStatus.INTERRUPTED), List.of(saved.text(), saved.status()));
    }

    @Test
    void progressWritesOnlyTheLatestTextOfRowsStillStreamingNeverOverAnEnd() throws Exception {
        AnswerStart running = question("alice", null, "still running");
        AnswerStart ended = question("alice", null, "already ended");
        store.begin(running);
        store.begin(ended);
        store.finish(complete(ended.assistantMessageId(), "the real end"));
        awaitWritten(store, WAIT);

        ProgressWriter progress = new ProgressWriter(database, Duration.ofHours(1));
        progress.submit(running.assistantMessageId(), "old", null);
        progress.submit(running.assistantMessageId(), "old and new", null);
        progress.submit(ended.assistantMessageId(), "a late save", null);
        assertEquals(2, progress.writePending(), "one entry per answer: the latest text");
        assertEquals(0, progress.writePending(), "written once, then forgotten");

        assertEquals("old and new", store.findAnswer("alice", running.assistantMessageId()).orElseThrow().end().text());
        AnswerEnd end = store.findAnswer("alice", ended.assistantMessageId()).orElseThrow().end();
        assertEquals(List.of("the real end", AnswerStatus.COMPLETE), List.of(end.text(), end.status()));
        progress.close();
    }

    @Test
    void aNamedNodesRestartMarksOnlyItsOwnAnswersInterrupted() throws Exception {
        AnswerStart mine = onNode("n1", "cut by n1's crash");
        AnswerStart others = onNode("n2", "still running on n2");
        AnswerStart unnamed = question("alice", null, "of a node without a name");
        store.begin(mine);
        store.begin(others);
        store.begin(unnamed);
        store.close();

        store = open(JdbcConversationStore.Options.defaults(dataDir).withNode("n1")); // n1 starts again
        assertEquals(AnswerStatus.INTERRUPTED, statusOf(mine));
        assertEquals(AnswerStatus.STREAMING, statusOf(others), "n2 runs it: n1's restart leaves it alone");
        assertEquals(AnswerStatus.STREAMING, statusOf(unnamed));

        store.finish(complete(others.assistantMessageId(), "n2's real end"));
        awaitWritten(store, WAIT);
        assertEquals(AnswerStatus.COMPLETE, statusOf(others));

        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir)); // one node without a name: every row
        assertEquals(AnswerStatus.INTERRUPTED, statusOf(unnamed));
    }

    private static AnswerStart onNode(String node, String text) {
        return new AnswerStart("alice", null, StoreFixtures.newId(), node + "-" + StoreFixtures.newId(), text,
                StoreFixtures.MODEL, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    private AnswerStatus statusOf(AnswerStart start) {
        return store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end().status();
    }

    // ---- reading, owners

    @Test
    void anAnswerIsFoundOnlyByItsOwner() throws Exception {
        AnswerStart start = question("alice", null, "private");
        store.begin(start);
        store.finish(complete(start.assistantMessageId(), "secret"));
        awaitWritten(store, WAIT);

        StoredAnswer found = store.findAnswer("alice", start.assistantMessageId()).orElseThrow();
        assertEquals("secret", found.end().text());
        assertEquals(StoreFixtures.MODEL, found.model());
        assertTrue(store.findAnswer("bob", start.assistantMessageId()).isEmpty());
        assertTrue(store.findAnswer("alice", start.userMessageId()).isEmpty(), "a user message is no answer");
        assertTrue(store.findAnswer("alice", "no-such-message").isEmpty());
    }

    @Test
    void listingIsNewestFirstPagedAndOnlyTheOwners() throws Exception {
        for (int i = 0; i < 5; i++) {
            store.begin(question("alice", null, "alice " + i, T0.plusSeconds(i)));
        }
        store.begin(question("bob", null, "bob's", T0.plusSeconds(100)));

        ConversationPage first = store.listConversations("alice", 2, 0);
        ConversationPage second = store.listConversations("alice", 2, first.nextOffset());
        ConversationPage last = store.listConversations("alice", 2, second.nextOffset());

        assertEquals(List.of("alice 4", "alice 3"), titles(first));
        assertEquals(List.of("alice 2", "alice 1"), titles(second));
        assertEquals(List.of("alice 0"), titles(last));
        assertNull(last.nextOffset());
        assertEquals(List.of("bob's"), titles(store.listConversations("bob", 50, 0)));
        assertEquals(List.of(), titles(store.listConversations("carol", 50, 0)));
    }

    @Test
    void aTitleSearchIgnoresCaseTakesWildcardsLiterallyPagesAndKeepsToTheOwner() throws Exception {
        List<String> asked = List.of("Budget 2027", "50% off_sale", "5000 offsale", "budget review", "ÉTÉ budget",
                "holiday", "a!b");
        for (int i = 0; i < asked.size(); i++) {
            store.begin(question("alice", null, asked.get(i), T0.plusSeconds(i)));
        }
        store.begin(question("bob", null, "bob's budget", T0.plusSeconds(100)));

        ConversationPage first = store.listConversations("alice", 2, 0, "BUDGET");
        ConversationPage second = store.listConversations("alice", 2, first.nextOffset(), "BUDGET");

        assertEquals(List.of("ÉTÉ budget", "budget review"), titles(first));
        assertEquals(List.of("Budget 2027"), titles(second));
        assertNull(second.nextOffset());
        assertEquals(List.of("50% off_sale"), titles(store.listConversations("alice", 10, 0, "0% off_")));
        assertEquals(List.of("50% off_sale"), titles(store.listConversations("alice", 10, 0, "%")));
        assertEquals(List.of("50% off_sale"), titles(store.listConversations("alice", 10, 0, "_")));
        assertEquals(List.of("a!b"), titles(store.listConversations("alice", 10, 0, "!")));
        assertEquals(List.of("bob's budget"), titles(store.listConversations("bob", 10, 0, "budget")));
        assertEquals(7, titles(store.listConversations("alice", 10, 0, "  ")).size());
        assertEquals("%50!%!_off!!%", JdbcConversationStore.likePattern("50%_OFF!"));
    }

    @Test
    void onlyTheOwnerRenamesAConversationAndItsPlaceInTheListStays() throws Exception {
        String older = store.begin(question("alice", null, "older", T0)).conversationId();
        String newer = store.begin(question("alice", null, "newer", T0.plusSeconds(1))).conversationId();

        assertFalse(store.renameConversation("bob", older, "stolen"));
        assertFalse(store.renameConversation("alice", "no-such-conversation", "x"));
        assertTrue(store.renameConversation("alice", older, "Renamed \uD83D\uDE80"));

        assertEquals(List.of("newer", "Renamed \uD83D\uDE80"), titles(store.listConversations("alice", 10, 0)));
        assertEquals("Renamed \uD83D\uDE80", store.findConversation("alice", older).orElseThrow().title());
        assertEquals("newer", store.findConversation("alice", newer).orElseThrow().title());
    }

    @Test
    void aListedConversationCarriesItsTotalCost() throws Exception {
        String conversation = twoTurns(id -> end(id, AnswerStatus.COMPLETE, "a1", "0.0012345678"),
                id -> end(id, AnswerStatus.STOPPED, "a2", "0.0000000005")).conversation();
        store.begin(question("alice", null, "unanswered"));

        List<ConversationSummary> listed = store.listConversations("alice", 10, 0).conversations();
        ConversationSummary answered = listed.stream().filter(c -> c.id().equals(conversation)).findFirst().orElseThrow();
        assertCost(new BigDecimal("0.0012345683"), answered.totalCost());
        assertFalse(answered.totalCostEstimated());
        ConversationSummary unanswered = listed.stream().filter(c -> c.title().equals("unanswered")).findFirst().orElseThrow();
        assertCost(BigDecimal.ZERO, unanswered.totalCost());
    }

    /** alice's conversation "one", "two", whose two answers end as given (from each answer's id); saved. */
    record TwoTurns(String conversation, AnswerStart q1, AnswerStart q2) {
    }

    TwoTurns twoTurns(Function<String, AnswerEnd> first,
                      Function<String, AnswerEnd> second) throws Exception {
        AnswerStart q1 = question("alice", null, "one");
        String conversation = store.begin(q1).conversationId();
        store.finish(first.apply(q1.assistantMessageId()));
        AnswerStart q2 = question("alice", conversation, "two");
        store.begin(q2);
        store.finish(second.apply(q2.assistantMessageId()));
        awaitWritten(store, WAIT);
        return new TwoTurns(conversation, q1, q2);
    }

    @Test
    void aConversationShowsItsMessagesAndTotalCostOnlyToItsOwner() throws Exception {
        String conversation = twoTurns(id -> end(id, AnswerStatus.COMPLETE, "a1", "0.0012345678"),
                id -> end(id, AnswerStatus.STOPPED, "a2", "0.0000000005")).conversation();

        ConversationDetail detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(4, detail.messages().size());
        assertEquals(List.of("one", "a1", "two", "a2"), detail.messages().stream().map(StoredMessage::text).toList());
        assertCost(new BigDecimal("0.0012345683"), detail.totalCost());
        assertFalse(detail.totalCostEstimated());
        assertEquals(StoreFixtures.usage(120, 34), detail.messages().get(3).usage());
        assertTrue(store.findConversation("bob", conversation).isEmpty());
    }

    // ---- regenerated answers

    private AnswerStart regenerate(String owner, String conversation, String text, String answerId) {
        return new AnswerStart(owner, conversation, newId(), newId(), text, StoreFixtures.MODEL,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), false, new AnswerStart.Regeneration(answerId));
    }

    @Test
    void aRegeneratedAnswerTakesThePlaceOfTheLatestOneWhichStaysStoredAndPriced() throws Exception {
        TwoTurns saved = twoTurns(id -> end(id, AnswerStatus.COMPLETE, "a1", "0.001"),
                id -> end(id, AnswerStatus.COMPLETE, "a2 first try", "0.002"));
        String conversation = saved.conversation();
        AnswerStart q2 = saved.q2();

        AnswerStart again = regenerate("alice", conversation, "two", null);
        Started started = store.begin(again);
        store.finish(end(again.assistantMessageId(), AnswerStatus.COMPLETE, "a2 second try", "0.004"));
        awaitWritten(store, WAIT);

        assertEquals(List.of(new Turn("user", "one"), new Turn("assistant", "a1")), started.history(),
                "the replaced pair is not sent to Claude again");
        ConversationDetail detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(List.of("one", "a1", "two", "a2 second try"),
                detail.messages().stream().map(StoredMessage::text).toList());
        assertEquals(q2.assistantMessageId(), detail.messages().get(3).replaces());
        assertNull(detail.messages().get(1).replaces());
        assertEquals(4, detail.messageCount());
        assertCost(new BigDecimal("0.007"), detail.totalCost()); // the replaced answer was paid for
        assertEquals("a2 first try", store.findAnswer("alice", q2.assistantMessageId()).orElseThrow().end().text(),
                "the replaced answer stays in the store");
        assertTrue(store.begin(question("alice", conversation, "three")).history()
                .contains(new Turn("assistant", "a2 second try")));
    }

    @Test
    void regeneratingANamedEarlierAnswerSupersedesItAndEverythingAfterIt() throws Exception {
        TwoTurns saved = twoTurns(id -> complete(id, "a1"), id -> complete(id, "a2"));
        String conversation = saved.conversation();
        AnswerStart q1 = saved.q1();
        AnswerStart q2 = saved.q2();

        AnswerStart again = regenerate("alice", conversation, "one", q1.assistantMessageId());
        assertEquals(List.of(), store.begin(again).history());
        store.finish(complete(again.assistantMessageId(), "a1 again"));
        awaitWritten(store, WAIT);

        ConversationDetail detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(List.of("one", "a1 again"), detail.messages().stream().map(StoredMessage::text).toList());
        assertEquals(q1.assistantMessageId(), detail.messages().get(1).replaces());

        // a name the store does not know (the AI SDK's own message ids) means the latest answer
        AnswerStart third = regenerate("alice", conversation, "one", "client-msg-17");
        store.begin(third);
        store.finish(complete(third.assistantMessageId(), "a1 third"));
        awaitWritten(store, WAIT);
        detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(List.of("one", "a1 third"), detail.messages().stream().map(StoredMessage::text).toList());
        assertEquals(again.assistantMessageId(), detail.messages().get(1).replaces());
    }

    @Test
    void aRegenerationWithoutTextAsksTheLatestQuestionAgainAndIsRefusedWhileItsAnswerStreams() throws Exception {
        AnswerStart q1 = question("alice", null, "one");
        String conversation = store.begin(q1).conversationId();
        store.finish(complete(q1.assistantMessageId(), "a1"));
        AnswerStart q2 = question("alice", conversation, "two \u0000 with a NUL");
        store.begin(q2);
        awaitWritten(store, WAIT);

        NothingToRegenerateException streaming = assertThrows(NothingToRegenerateException.class,
                () -> store.begin(regenerate("alice", conversation, null, null)));
        assertTrue(streaming.streaming());
        assertEquals(List.of("one", "a1", "two \u0000 with a NUL", ""),
                store.findConversation("alice", conversation).orElseThrow().messages().stream()
                        .map(StoredMessage::text).toList(), "a refused regeneration changes nothing");

        store.finish(complete(q2.assistantMessageId(), "a2"));
        awaitWritten(store, WAIT);
        AnswerStart again = regenerate("alice", conversation, null, null);
        Started started = store.begin(again);
        assertEquals("two \u0000 with a NUL", started.question());
        assertEquals(List.of(new Turn("user", "one"), new Turn("assistant", "a1")), started.history());
        store.finish(complete(again.assistantMessageId(), "a2 again"));
        awaitWritten(store, WAIT);

        ConversationDetail detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(List.of("one", "a1", "two \u0000 with a NUL", "a2 again"),
                detail.messages().stream().map(StoredMessage::text).toList());
        assertEquals(q2.assistantMessageId(), detail.messages().get(3).replaces());
        assertThrows(ConversationNotFoundException.class,
                () -> store.begin(regenerate("bob", conversation, null, null)));
    }

    @Test
    void regeneratingInAnotherOwnersConversationIsNotFoundAndChangesNothing() throws Exception {
        AnswerStart q1 = question("alice", null, "one");
        String conversation = store.begin(q1).conversationId();
        store.finish(complete(q1.assistantMessageId(), "a1"));
        awaitWritten(store, WAIT);

        assertThrows(ConversationNotFoundException.class,
                () -> store.begin(regenerate("bob", conversation, "one", q1.assistantMessageId())));

        assertEquals(List.of("one", "a1"), store.findConversation("alice", conversation).orElseThrow().messages()
                .stream().map(StoredMessage::text).toList());
    }

    @Test
    void deletingRemovesTheConversationAndItsMessagesOnlyForItsOwner() throws Exception {
        AnswerStart start = question("alice", null, "to delete");
        String conversation = store.begin(start).conversationId();

        assertFalse(store.deleteConversation("bob", conversation));
        assertTrue(store.findConversation("alice", conversation).isPresent());

        assertTrue(store.deleteConversation("alice", conversation));
        assertTrue(store.findConversation("alice", conversation).isEmpty());
        assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", conversation));
        assertFalse(store.deleteConversation("alice", conversation));

        // The answer of a deleted conversation ends quietly: no row comes back.
        store.finish(complete(start.assistantMessageId(), "too late"));
        awaitWritten(store, WAIT);
        assertEquals(0, count("SELECT COUNT(*) FROM messages"));
    }

    // ---- attached files

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
    static final byte[] PDF = "%PDF-1.7 \u0000 tiny".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    static AnswerStart withFiles(String owner, String conversationId, String text, AttachmentData... files) {
        return new AnswerStart(owner, conversationId, newId(), newId(), text, StoreFixtures.MODEL,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), false, null, List.of(files));
    }

    @Test
    void filesAreSavedWithTheQuestionListedWithoutBytesAndReadBackByTheOwnerOnly() throws Exception {
        AttachmentData image = new AttachmentData("r\u00f6d pixel.png", "image/png", PNG);
        AttachmentData paper = new AttachmentData("paper.pdf", "application/pdf", PDF);
        AnswerStart first = withFiles("alice", null, "what are these?", image, paper);
        Started started = store.begin(first);
        assertEquals(List.of(image, paper), started.questionFiles());
        String conversation = started.conversationId();

        ConversationDetail detail = store.findConversation("alice", conversation).orElseThrow();
        assertEquals(List.of(new AttachmentInfo(0, "r\u00f6d pixel.png", "image/png", PNG.length),
                new AttachmentInfo(1, "paper.pdf", "application/pdf", PDF.length)),
                detail.messages().get(0).attachments());
        assertEquals(List.of(), detail.messages().get(1).attachments(), "an answer has no files");

        assertEquals(image, store.findAttachment("alice", conversation, first.userMessageId(), 0).orElseThrow());
        assertEquals(paper, store.findAttachment("alice", conversation, first.userMessageId(), 1).orElseThrow());
        assertTrue(store.findAttachment("alice", conversation, first.userMessageId(), 2).isEmpty());
        assertTrue(store.findAttachment("bob", conversation, first.userMessageId(), 0).isEmpty());
        assertTrue(store.findAttachment("alice", "another", first.userMessageId(), 0).isEmpty());

        assertTrue(store.deleteConversation("alice", conversation));
        assertEquals(0, count("SELECT COUNT(*) FROM message_attachments"));
    }

    @Test
    void laterTurnsSendTheNewestEarlierFilesAgainAndARegenerationCopiesItsQuestionsFiles() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withHistoryFiles(2, 1000));
        AttachmentData a = new AttachmentData("a.png", "image/png", PNG);
        AttachmentData b = new AttachmentData("b.pdf", "application/pdf", PDF);
        AttachmentData c = new AttachmentData("c.png", "image/png", new byte[] {1, 2, 3});
        AnswerStart q1 = withFiles("alice", null, "one", a);
        String conversation = store.begin(q1).conversationId();
        store.finish(complete(q1.assistantMessageId(), "a1"));
        AnswerStart q2 = withFiles("alice", conversation, "two", b, c);
        store.begin(q2);
        store.finish(complete(q2.assistantMessageId(), "a2"));
        awaitWritten(store, WAIT);

        AnswerStart q3 = question("alice", conversation, "three");
        Started third = store.begin(q3);
        assertEquals(List.of(new Turn("user", "one"), new Turn("assistant", "a1"),
                new Turn("user", "two", List.of(b, c)), new Turn("assistant", "a2")), third.history(),
                "two files may be sent again: the newest question's; the older one's text alone");
        store.finish(complete(q3.assistantMessageId(), "a3"));
        awaitWritten(store, WAIT);
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withHistoryFiles(10, PDF.length));
        AnswerStart q4 = question("alice", conversation, "four");
        assertTrue(store.begin(q4).history().stream().allMatch(turn -> turn.files().isEmpty()),
                "the newest question's files are more bytes than may be sent again, and older ones stay behind them");
        store.finish(complete(q4.assistantMessageId(), "a4"));
        awaitWritten(store, WAIT);

        AnswerStart withFile = withFiles("alice", null, "look", a);
        String other = store.begin(withFile).conversationId();
        store.finish(complete(withFile.assistantMessageId(), "seen"));
        awaitWritten(store, WAIT);
        AnswerStart regenerated = regenerate("alice", other, null, null);
        Started asked = store.begin(regenerated);
        assertEquals("look", asked.question());
        assertEquals(List.of(a), asked.questionFiles());
        ConversationDetail detail = store.findConversation("alice", other).orElseThrow();
        assertEquals(List.of(new AttachmentInfo(0, "a.png", "image/png", PNG.length)),
                detail.messages().get(0).attachments(), "the question asked again shows its file");
        assertEquals(2, count("SELECT COUNT(*) FROM message_attachments WHERE conversation_id = ?", other),
                "the superseded question keeps its own copy");
    }

    @Test
    void filesCountTowardsTheConversationsBytes() throws Exception {
        store.close();
        store = open(JdbcConversationStore.Options.defaults(dataDir).withLimits(1000, 100));
        AnswerStart first = withFiles("alice", null, "12345", new AttachmentData("x.png", "image/png", new byte[80]));
        String conversation = store.begin(first).conversationId(); // 85 bytes
        store.finish(complete(first.assistantMessageId(), ""));
        awaitWritten(store, WAIT); // and "thought about " of the fixture: 99 bytes

        ConversationFullException full = assertThrows(ConversationFullException.class, () -> store.begin(
                withFiles("alice", conversation, "q", new AttachmentData("y.png", "image/png", new byte[1]))));
        assertFalse(full.messageAlone());
        ConversationFullException alone = assertThrows(ConversationFullException.class, () -> store.begin(
                withFiles("alice", null, "q", new AttachmentData("z.png", "image/png", new byte[100]))));
        assertTrue(alone.messageAlone());
        assertEquals(1, count("SELECT COUNT(*) FROM message_attachments"), "nothing of a refused question is kept");
    }

    @Test
    void theStoreSaysWhetherItsDatabaseIsReachable() {
        assertTrue(store.isReachable());
    }

    // ---- helpers

    static List<String> titles(ConversationPage page) {
        return page.conversations().stream().map(ConversationSummary::title).toList();
    }

    static void assertCost(BigDecimal expected, BigDecimal actual) {
        if (expected == null) {
            assertNull(actual);
        } else {
            assertNotNull(actual, "cost");
            assertEquals(0, expected.compareTo(actual), "cost " + actual + " instead of " + expected);
        }
    }

    long count(String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement query = Sql.prepare(connection, sql, parameters);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
