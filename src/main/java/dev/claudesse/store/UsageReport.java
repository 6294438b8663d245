package dev.claudesse.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What answers cost over a period of whole days (UTC), for the operators' usage page: the spend of each day
 * by model and by owner (the top owners, and the rest together), the answers by status, and the
 * conversations that cost the most. Amounts are in USD, as the store keeps them; an answer counts on the
 * day it started. Owners are as the store keeps them ("anon:&lt;id&gt;" included): the web layer decides how
 * to show them.
 *
 * @param firstDay         the first day of the period; it has {@code days} days, the last one today
 * @param total            all answers' cost in the period
 * @param answers          answers started in the period, whatever their status
 * @param estimatedAnswers of those, answers whose cost is an estimate (stopped, failed) or unknown (no price)
 * @param otherOwners      the owners after the top ones, summed; null when there are none
 * @param owners           how many owners had answers in the period
 */
public record UsageReport(LocalDate firstDay, int days, BigDecimal total, long answers, long estimatedAnswers,
                          List<Series> byModel, List<Series> byOwner, Series otherOwners, long owners,
                          Map<String, Long> answersByStatus, List<TopConversation> topConversations) {

    /** One model's or owner's spend: one amount a day, oldest first, and its totals. */
    public record Series(String name, List<BigDecimal> perDay, BigDecimal total, long answers) {
    }

    /**
     * A conversation among the most expensive of the period: its cost and answers in the period, and how many
     * messages it holds now (as api/conversations counts them: regenerated ones left out).
     */
    public record TopConversation(String id, String title, String owner, BigDecimal cost, long answers,
                                  long messages) {
    }

    /** The spend of each day, all models together. */
    public List<BigDecimal> perDay() {
        return sum(byModel, days);
    }

    /** Day by day, the sum of the series. */
    static List<BigDecimal> sum(List<Series> series, int days) {
        BigDecimal[] sums = new BigDecimal[days];
        java.util.Arrays.fill(sums, BigDecimal.ZERO);
        for (Series one : series) {
            for (int i = 0; i < days; i++) {
                sums[i] = sums[i].add(one.perDay().get(i));
            }
        }
        return List.of(sums);
    }
}
