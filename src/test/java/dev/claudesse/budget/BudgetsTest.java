package dev.claudesse.budget;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetsTest {

    static final Clock NOW = Clock.fixed(Instant.parse("2026-11-30T21:30:00Z"), ZoneOffset.UTC);
    final List<String> asked = new ArrayList<>();

    Budgets budgets(BudgetSettings limits, String storedForAlice) {
        return new Budgets(limits, (owner, since) -> {
            asked.add(owner + " since " + since);
            return "anon:alice".equals(owner) ? new BigDecimal(storedForAlice) : BigDecimal.ZERO;
        }, NOW);
    }

    @Test
    void aSpentDailyBudgetRefusesSayingWhichAndWhenItResets() {
        Budgets budgets = budgets(new BudgetSettings(new BigDecimal("0.05"), null, null), "0.05");
        BudgetExceededException refused = assertThrows(BudgetExceededException.class, () -> budgets.check("anon:alice"));
        assertTrue(refused.getMessage().startsWith("Your daily budget of $0.05 is spent."), refused.getMessage());
        assertTrue(refused.getMessage().contains("2026-12-01T00:00:00Z"), refused.getMessage());
        assertEquals(Duration.ofMinutes(150), refused.untilReset());
        assertEquals(List.of("anon:alice since 2026-11-30T00:00:00Z"), asked);
        assertDoesNotThrow(() -> budgets.check("anon:bob"));
    }

    @Test
    void theMonthAndTheDeploymentsDayAreCountedFromTheirStart() throws Exception {
        Budgets budgets = budgets(new BudgetSettings(null, new BigDecimal("1"), new BigDecimal("10")), "0");
        budgets.check("anon:alice");
        assertEquals(List.of("anon:alice since 2026-11-01T00:00:00Z", "null since 2026-11-30T00:00:00Z"), asked);
    }

    @Test
    void racingAnswersSeeEachOthersSpendAtTheirNextReport() {
        Budgets budgets = budgets(new BudgetSettings(new BigDecimal("0.001000"), null, null), "0.000400");
        SpendMeter first = budgets.meter("anon:alice");
        SpendMeter second = budgets.meter("anon:alice");
        assertFalse(first.report(300));
        assertFalse(second.report(200));
        assertTrue(first.report(400), "400 stored + 400 + 200 running reaches 1000");
        assertTrue(second.report(200), "the other answer sees it too, at its next report");
        assertThrows(BudgetExceededException.class, () -> budgets.check("anon:alice"));
    }

    @Test
    void anEndedAnswerMovesItsFinalCostFromRunningToStored() throws Exception {
        Budgets budgets = budgets(new BudgetSettings(new BigDecimal("0.001"), null, null), "0");
        SpendMeter meter = budgets.meter("anon:alice");
        meter.report(900);
        meter.settle(new BigDecimal("0.0005")); // Claude's final usage priced lower than the estimate
        budgets.check("anon:alice");
        SpendMeter next = budgets.meter("anon:alice");
        assertFalse(next.report(499));
        assertTrue(next.report(500));
    }

    @Test
    void withoutLimitsThereIsNoMeterAndNoQuery() throws Exception {
        Budgets budgets = budgets(BudgetSettings.NONE, "1");
        assertFalse(budgets.enabled());
        assertNull(budgets.meter("anon:alice"));
        budgets.check("anon:alice");
        assertEquals(List.of(), asked);
    }
}
