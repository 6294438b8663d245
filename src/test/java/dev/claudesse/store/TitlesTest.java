package dev.claudesse.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TitlesTest {

    @Test
    void aShortMessageIsItsOwnTitleOnOneLine() {
        assertEquals("What is SSE?", Titles.fromFirstMessage("  What\tis\n\nSSE?  "));
    }

    @Test
    void aLongMessageIsCutAtAWordWithAnEllipsis() {
        String title = Titles.fromFirstMessage("word ".repeat(30));
        assertTrue(title.endsWith("word\u2026"), title);
        assertTrue(title.length() <= Titles.MAX_LENGTH, title);
    }

    @Test
    void oneHugeWordIsCutHardWithoutSplittingACharacter() {
        String title = Titles.fromFirstMessage("\uD83D\uDE00".repeat(100));
        assertEquals(Titles.MAX_LENGTH, title.codePointCount(0, title.length()));
        assertEquals("\uD83D\uDE00".repeat(59) + "\u2026", title);
    }

    @Test
    void anEmptyMessageGetsADefaultTitle() {
        assertEquals(Titles.EMPTY_TITLE, Titles.fromFirstMessage(" \n "));
    }
}
