package dev.claudesse.budget;

import java.math.BigDecimal;
import java.util.List;

/**
 * One answer's share of the budgets that apply to it. The answer reports its estimated cost as it grows;
 * each report adds the growth to every budget's running spend at once, so answers of one owner racing
 * past the same budget see each other's spend at their next report. Used by one thread at a time.
 */
public final class SpendMeter {

    private final List<Period> periods;
    private long reportedMicros;

    SpendMeter(List<Period> periods) {
        this.periods = periods;
    }

    /** The answer's estimated cost so far, in USD millionths; true when a budget is now spent. */
    public boolean report(long estimateMicros) {
        long growth = estimateMicros - reportedMicros;
        if (growth > 0) {
            reportedMicros = estimateMicros;
            for (Period period : periods) {
                period.running(growth);
            }
        }
        for (Period period : periods) {
            if (period.spent()) {
                return true;
            }
        }
        return false;
    }

    /** The answer ended; finalCost null when it has no price (its estimate then stays counted). */
    public void settle(BigDecimal finalCost) {
        long finalMicros = finalCost == null ? reportedMicros : Period.micros(finalCost);
        for (Period period : periods) {
            period.settle(reportedMicros, finalMicros);
        }
        reportedMicros = 0;
    }
}
