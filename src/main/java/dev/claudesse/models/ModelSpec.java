package dev.claudesse.models;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the app knows of one Claude model: its name for people, where it stands in the line-up, its
 * limits, which request shapes it accepts, and its prices over time. contextWindow and
 * maxOutputTokens are null when the table does not say. thinkingDisplay, when set, is sent with adaptive
 * thinking (models that leave the thinking text out by default need "summarized" to show it).
 * speedMultipliers override the table's for this model (fast mode cost 6x on some models, 2x on most).
 * minCacheTokens is the shortest prompt prefix Claude caches for the model (null when the table does not say).
 */
public record ModelSpec(String id, String displayName, Lifecycle lifecycle, Long contextWindow,
                        Integer maxOutputTokens, Set<ThinkingShape> thinking, String thinkingDisplay,
                        boolean sampling, List<String> effort, Map<String, BigDecimal> speedMultipliers,
                        List<PricePeriod> prices, Integer minCacheTokens) {

    public ModelSpec {
        thinking = Set.copyOf(thinking);
        effort = List.copyOf(effort);
        speedMultipliers = Map.copyOf(speedMultipliers);
        prices = List.copyOf(prices);
    }

    public boolean takes(ThinkingShape shape) {
        return thinking.contains(shape);
    }

    public boolean takesEffort(String level) {
        return effort.contains(level);
    }

    /** The prices in force on a day: the latest period that started by then (the first, before any). */
    public PricePeriod pricesOn(LocalDate day) {
        if (prices.isEmpty()) {
            return null;
        }
        PricePeriod current = prices.getFirst();
        for (PricePeriod period : prices) {
            if (!period.from().isAfter(day)) {
                current = period;
            }
        }
        return current;
    }
}
