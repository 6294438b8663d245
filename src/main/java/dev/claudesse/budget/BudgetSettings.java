package dev.claudesse.budget;

import dev.claudesse.config.SettingsSource;

import java.math.BigDecimal;

/**
 * Spend limits in USD (docs/budgets.md): per owner per UTC day and per UTC month, and for the whole
 * deployment per UTC day. null is no limit.
 */
public record BudgetSettings(BigDecimal ownerDaily, BigDecimal ownerMonthly, BigDecimal deploymentDaily) {

    public static final BudgetSettings NONE = new BudgetSettings(null, null, null);

    public static BudgetSettings load(SettingsSource s) {
        return new BudgetSettings(usd(s, "CLAUDE_SSE_BUDGET_OWNER_DAILY_USD"),
                usd(s, "CLAUDE_SSE_BUDGET_OWNER_MONTHLY_USD"), usd(s, "CLAUDE_SSE_BUDGET_DAILY_USD"));
    }

    public boolean any() {
        return ownerDaily != null || ownerMonthly != null || deploymentDaily != null;
    }

    private static BigDecimal usd(SettingsSource s, String name) {
        String value = s.get(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            BigDecimal amount = new BigDecimal(value.strip());
            if (amount.signum() >= 0) {
                return amount;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be an amount in USD such as 0.50, not \"" + value + "\"");
    }
}
