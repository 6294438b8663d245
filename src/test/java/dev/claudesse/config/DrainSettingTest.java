package dev.claudesse.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLAUDE_SSE_DRAIN_SECONDS: 30 s by default, 0 for the old shutdown (no drain), never negative. */
class DrainSettingTest {

    private static Settings load(Map<String, String> values) {
        return Settings.load(new SettingsSource(values::get));
    }

    @Test
    void aStopDrainsForThirtySecondsByDefault() {
        assertEquals(Duration.ofSeconds(30), load(Map.of()).drainGrace());
        assertEquals(Duration.ofSeconds(90), load(Map.of("CLAUDE_SSE_DRAIN_SECONDS", "90")).drainGrace());
    }

    @Test
    void zeroEndsTheAnswersAtOnceAsBefore() {
        assertEquals(Duration.ZERO, load(Map.of("CLAUDE_SSE_DRAIN_SECONDS", "0")).drainGrace());
    }

    @Test
    void aNegativeDrainStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> load(Map.of("CLAUDE_SSE_DRAIN_SECONDS", "-1")));
        assertTrue(e.getMessage().contains("CLAUDE_SSE_DRAIN_SECONDS"), e.getMessage());
    }
}
