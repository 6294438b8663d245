package dev.claudesse.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class Utf16Test {

    @Test
    void loneSurrogatesBecomeReplacementCharactersAndPairsStay() {
        String whole = "a😀b";
        assertSame(whole, Utf16.wellFormed(whole));
        assertEquals("a\uFFFDb", Utf16.wellFormed("a\uD83Db"));
        assertEquals("a\uFFFDb", Utf16.wellFormed("a\uDE00b"));
        assertEquals("\uFFFD😀\uFFFD", Utf16.wellFormed("\uDE00😀\uD83D"));
    }

    @Test
    void aCutNeverEndsOnTheFirstHalfOfAPair() {
        String text = "a".repeat(199) + "😀!";
        assertEquals("a".repeat(199), Utf16.cut(text, 200));
        assertEquals("a".repeat(199) + "😀", Utf16.cut(text, 201));
        assertSame(text, Utf16.cut(text, 500));
    }
}
