package dev.claudesse.models;

import java.time.LocalDate;
import java.util.List;

/** The rates in force from a (UTC) day on, until the next period of the same model; tiers by prompt size, smallest first. */
public record PricePeriod(LocalDate from, List<Rates> tiers) {

    public PricePeriod {
        tiers = List.copyOf(tiers);
    }

    /** The tier for a request with this many prompt tokens; the last tier when none bounds it. */
    public Rates tierFor(long promptTokens) {
        for (Rates tier : tiers) {
            if (tier.covers(promptTokens)) {
                return tier;
            }
        }
        return tiers.getLast();
    }
}
