package dev.claudesse.budget;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spend limits (docs/budgets.md). Spent in a period = the stored costs of its answers (read from the
 * store when the period is first needed, and again each minute, for answers saved by other nodes) plus the
 * running answers' estimates. A request is refused while a budget that applies to it is spent; a running
 * answer is stopped when its report finds one spent.
 */
public final class Budgets {

    /** What the store says was spent since a time: by one owner, or by everyone when owner is null. */
    @FunctionalInterface
    public interface SpentSince {
        BigDecimal spent(String owner, Instant since);
    }

    private static final Duration RELOAD = Duration.ofMinutes(1);
    private static final String EVERYONE = "";

    private final BudgetSettings limits;
    private final SpentSince store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Period> periods = new ConcurrentHashMap<>();

    public Budgets(BudgetSettings limits, SpentSince store, Clock clock) {
        this.limits = limits;
        this.store = store;
        this.clock = clock;
    }

    public boolean enabled() {
        return limits.any();
    }

    /** For the startup log: which budgets are in force. */
    @Override
    public String toString() {
        return limits.any() ? "budgets: owner daily " + usd(limits.ownerDaily()) + ", owner monthly "
                + usd(limits.ownerMonthly()) + ", deployment daily " + usd(limits.deploymentDaily()) : "budgets: none";
    }

    private static String usd(BigDecimal amount) {
        return amount == null ? "none" : "$" + amount.toPlainString();
    }

    /** Refuses an owner whose budget (or the deployment's) is spent, saying which and when it resets. */
    public void check(String owner) throws BudgetExceededException {
        for (Period period : periods(owner)) {
            if (period.spent()) {
                Duration left = Duration.between(clock.instant(), period.resetsAt);
                throw new BudgetExceededException(period.name + " of $" + period.limit.toPlainString()
                        + " is spent. It resets at " + period.resetsAt + " (in " + readable(left) + ").", left);
            }
        }
    }

    /** The meter an answer of this owner reports its cost to; null when no budget is set. */
    public SpendMeter meter(String owner) {
        return enabled() ? new SpendMeter(periods(owner)) : null;
    }

    /** Forgets periods that ended; called by the housekeeper. */
    public void sweep() {
        Instant now = clock.instant();
        periods.values().removeIf(p -> !p.resetsAt.isAfter(now));
    }

    private List<Period> periods(String owner) {
        List<Period> out = new ArrayList<>(3);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Instant dayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant nextDay = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (limits.ownerDaily() != null) {
            out.add(period("day " + today + " " + owner, "Your daily budget", limits.ownerDaily(), owner,
                    dayStart, nextDay));
        }
        if (limits.ownerMonthly() != null) {
            LocalDate first = today.with(TemporalAdjusters.firstDayOfMonth());
            out.add(period("month " + first + " " + owner, "Your monthly budget", limits.ownerMonthly(), owner,
                    first.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    first.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        }
        if (limits.deploymentDaily() != null) {
            out.add(period("day " + today + EVERYONE, "The server's daily budget", limits.deploymentDaily(), null,
                    dayStart, nextDay));
        }
        return out;
    }

    private Period period(String key, String name, BigDecimal limit, String owner, Instant start, Instant end) {
        Period period = periods.computeIfAbsent(key, k -> new Period(name, limit, end, store.spent(owner, start)));
        if (period.claimReload(RELOAD)) {
            period.reload(store.spent(owner, start)); // answers saved by other nodes of the deployment
        }
        return period;
    }

    private static String readable(Duration d) {
        long minutes = Math.max(1, d.toMinutes());
        return minutes >= 120 ? (minutes / 60) + " h" : minutes + " min";
    }
}
