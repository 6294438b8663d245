package dev.claudesse.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLAUDE_SSE_NODE: unset keeps plain UUID ids; a name starts every new answer id; a bad name stops the start. */
class NodeSettingTest {

    private static Settings load(Map<String, String> values) {
        return Settings.load(new SettingsSource(values::get));
    }

    @Test
    void withoutANodeIdsArePlainUuids() {
        Settings settings = load(Map.of());
        assertNull(settings.node());
        assertTrue(settings.newMessageId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    }

    @Test
    void aNodesIdsStartWithItsName() {
        Settings settings = load(Map.of("CLAUDE_SSE_NODE", " n2 "));
        assertEquals("n2", settings.node());
        String id = settings.newMessageId();
        assertTrue(id.matches("n2-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
        assertTrue(id.length() <= 64, "fits the store's id column");
        assertEquals(null, load(Map.of("CLAUDE_SSE_NODE", " ")).node());
    }

    @Test
    void aNameNginxCouldNotMatchStopsTheStart() {
        for (String bad : new String[] {"N1", "n-1", "n_1", "node/1", "a".repeat(17)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> load(Map.of("CLAUDE_SSE_NODE", bad)), bad);
            assertTrue(e.getMessage().contains("CLAUDE_SSE_NODE"), e.getMessage());
        }
    }
}
