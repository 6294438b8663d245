package dev.claudesse.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows are offered newest first, as the store reads them. */
class HistoryCollectorTest {

    @Test
    void pairsComeOutOldestFirstAndAlternating() {
        HistoryCollector history = new HistoryCollector(1000);
        history.offer("assistant", "a2");
        history.offer("user", "q2");
        history.offer("assistant", "a1");
        history.offer("user", "q1");

        assertEquals(List.of(new Turn("user", "q1"), new Turn("assistant", "a1"), new Turn("user", "q2"),
                new Turn("assistant", "a2")), history.turns());
    }

    @Test
    void keptQuestionsAreNamedNewestFirstAndGetTheirFilesBack() {
        HistoryCollector history = new HistoryCollector(1000);
        history.offer("assistant", "a3", "id-a3");
        history.offer("user", "q3", "id-q3");
        history.offer("assistant", "", "id-a2"); // failed: q2 goes with it
        history.offer("user", "q2", "id-q2");
        history.offer("assistant", "a1", "id-a1");
        history.offer("user", "q1", "id-q1");

        assertEquals(List.of("id-q3", "id-q1"), history.questionIds());
        AttachmentData file = new AttachmentData("a.png", "image/png", new byte[] {1});
        assertEquals(List.of(new Turn("user", "q1", List.of(file)), new Turn("assistant", "a1"), new Turn("user", "q3"),
                new Turn("assistant", "a3")), history.turns(java.util.Map.of("id-q1", List.of(file))));
    }

    @Test
    void aQuestionWithoutAnAnswerIsLeftOutSoTurnsStillAlternate() {
        HistoryCollector history = new HistoryCollector(1000);
        history.offer("assistant", "a3");
        history.offer("user", "q3 asked again");
        history.offer("assistant", "  ");
        history.offer("user", "q2 failed");
        history.offer("assistant", null);
        history.offer("user", "q1 interrupted");

        assertEquals(List.of(new Turn("user", "q3 asked again"), new Turn("assistant", "a3")), history.turns());
    }

    @Test
    void theBudgetStopsAtTheFirstPairThatDoesNotFitAndSaysSo() {
        HistoryCollector history = new HistoryCollector(10);
        assertTrue(history.offer("assistant", "new a"));
        assertTrue(history.offer("user", "new q"));
        history.offer("assistant", "old a");
        assertFalse(history.offer("user", "old q"), "full: the store stops reading");

        assertEquals(List.of(new Turn("user", "new q"), new Turn("assistant", "new a")), history.turns());
    }

    @Test
    void aNewestPairLargerThanTheBudgetLeavesNoHistory() {
        HistoryCollector history = new HistoryCollector(5);
        history.offer("assistant", "a long answer");
        history.offer("user", "q");

        assertEquals(List.of(), history.turns());
    }
}
