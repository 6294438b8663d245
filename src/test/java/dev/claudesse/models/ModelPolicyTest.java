package dev.claudesse.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.ModelsEndpoint.ListedModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelPolicyTest {

    private static final Clock TODAY = Clock.fixed(Instant.parse("2026-11-30T00:00:00Z"), ZoneOffset.UTC);
    private static final Clock YESTERDAY = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

    private static ModelTable table() throws IOException {
        return ModelTable.load(new ObjectMapper(), null);
    }

    @Test
    void withoutSettingsTheDefaultIsACurrentModelAndTheListIsActiveAndLegacy() throws IOException {
        ModelPolicy policy = new ModelPolicy(table(), null, Set.of(), TODAY);
        assertEquals("claude-sonnet-5-5", policy.defaultModel());
        List<String> allowed = policy.allowedToday();
        assertEquals("claude-sonnet-5-5", allowed.getFirst());
        assertTrue(allowed.containsAll(List.of("claude-opus-5-5", "claude-haiku-5-5", "claude-fable-5-2",
                "claude-haiku-4-5", "claude-opus-4-8")), allowed.toString());
        for (String gone : List.of("claude-sonnet-4-5", "claude-opus-4-1", "claude-3-haiku", "claude-mythos-preview")) {
            assertFalse(allowed.contains(gone), gone);
        }
        assertTrue(policy.warnings().isEmpty(), policy.warnings().toString());
        policy.requireUsableDefault();
    }

    @Test
    void aDeprecatedDefaultStartsWithAWarningNamingItsRetirement() throws IOException {
        ModelPolicy policy = new ModelPolicy(table(), "claude-sonnet-4-5", Set.of(), YESTERDAY);
        policy.requireUsableDefault();
        assertEquals(List.of("model claude-sonnet-4-5 is deprecated and retires on 2026-11-30; move to claude-sonnet-5-5"),
                policy.warnings());
        assertNull(policy.refusal("claude-sonnet-4-5"));
        assertTrue(policy.allowedToday().contains("claude-sonnet-4-5"));
    }

    @Test
    void aRetiredDefaultRefusesToStartAndNamesTheReplacement() throws IOException {
        ModelPolicy policy = new ModelPolicy(table(), "claude-sonnet-4-5", Set.of(), TODAY);
        IllegalStateException e = assertThrows(IllegalStateException.class, policy::requireUsableDefault);
        assertTrue(e.getMessage().contains("claude-sonnet-4-5 is retired since 2026-11-30")
                && e.getMessage().contains("claude-sonnet-5-5"), e.getMessage());
        assertEquals("model_retired", policy.refusal("claude-sonnet-4-5").type());
    }

    @Test
    void aRetiredModelInTheAllowListIsWarnedAboutAndNeverAllowed() throws IOException {
        ModelPolicy policy = new ModelPolicy(table(), null, Set.of("claude-opus-4-1", "claude-haiku-4-5"), TODAY);
        assertEquals(List.of("model claude-opus-4-1 is retired since 2026-08-05 and requests for it are refused;"
                + " move to claude-opus-5-5"), policy.warnings());
        assertEquals(List.of("claude-sonnet-5-5", "claude-haiku-4-5"), policy.allowedToday());
        assertEquals("model_retired", policy.refusal("claude-opus-4-1").type());
        assertEquals("model_not_allowed", policy.refusal("claude-opus-5-5").type());
    }

    @Test
    void aModelTheTableDoesNotKnowIsAllowedOnlyByName() throws IOException {
        ModelPolicy open = new ModelPolicy(table(), null, Set.of(), TODAY);
        assertEquals("model_not_allowed", open.refusal("claude-next-7").type());
        ModelPolicy named = new ModelPolicy(table(), null, Set.of("claude-next-7"), TODAY);
        assertNull(named.refusal("claude-next-7"));
        assertTrue(named.allowedToday().contains("claude-next-7"));
    }

    @Test
    void claudesOwnListIsComparedWithTheTable() throws IOException {
        LocalDate today = LocalDate.parse("2026-11-30");
        List<String> differences = LineupCheck.differences(table(), List.of(
                new ListedModel("claude-sonnet-5-5", "Claude Sonnet 5.5", "active", null, null),
                new ListedModel("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "deprecated", LocalDate.parse("2026-11-01"),
                        LocalDate.parse("2027-05-01")),
                new ListedModel("claude-opus-4-1", "Claude Opus 4.1", "retired", null, LocalDate.parse("2026-08-05")),
                new ListedModel("claude-sonnet-6", "Claude Sonnet 6", "active", null, null)), today);
        assertEquals(List.of(
                "Claude lists claude-haiku-4-5-20251001 as deprecated, the model table as legacy",
                "Claude says claude-haiku-4-5-20251001 retires on 2027-05-01, the model table gives no date",
                "Claude offers claude-sonnet-6 (Claude Sonnet 6), which the model table does not know: it has no"
                        + " price and no request rules until the table lists it"), differences);
    }
}
