package dev.claudesse.store;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The SQL behind {@link UsageReport}: a handful of aggregates over the answers of the period, each one a
 * range of {@code messages.created_at} (index messages_created_at, migration 5), so their cost grows with
 * the answers of the period, not with all the messages ever kept. Portable to H2 and PostgreSQL: a day is
 * the whole number of days since 1970-01-01 UTC (EXTRACT(EPOCH ...) of a time with time zone), which no
 * session time zone changes. JdbcUsageIT shows the plans and timings on PostgreSQL with a million messages.
 */
final class UsageQueries {

    private static final String PERIOD = "m.created_at >= ? AND m.created_at < ? AND m.role = 'assistant'";
    private static final String DAY = "FLOOR(EXTRACT(EPOCH FROM m.created_at) / 86400)";

    /** Spend, answers and estimated answers per day and model. */
    static final String BY_MODEL = "SELECT d.utc_day, d.model, SUM(d.cost), COUNT(*),"
            + " COUNT(CASE WHEN d.cost_estimated OR d.cost IS NULL THEN 1 END)"
            + " FROM (SELECT " + DAY + " AS utc_day, m.model, m.cost, m.cost_estimated FROM messages m"
            + " WHERE " + PERIOD + ") d GROUP BY d.utc_day, d.model";

    /** The owners who spent most, with their answers and the number of owners in all. */
    static final String TOP_OWNERS = "SELECT c.owner, COALESCE(SUM(m.cost), 0) AS spent, COUNT(*) AS answers,"
            + " COUNT(*) OVER () AS owners FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            + " WHERE " + PERIOD + " GROUP BY c.owner ORDER BY spent DESC, c.owner LIMIT ?";

    /** Answers by status. */
    static final String BY_STATUS = "SELECT m.status, COUNT(*) FROM messages m WHERE " + PERIOD
            + " GROUP BY m.status";

    /** The conversations whose answers of the period cost most. */
    static final String TOP_CONVERSATIONS = "SELECT m.conversation_id, COALESCE(SUM(m.cost), 0) AS spent,"
            + " COUNT(*) AS answers FROM messages m WHERE " + PERIOD
            + " GROUP BY m.conversation_id ORDER BY spent DESC, m.conversation_id LIMIT ?";

    private UsageQueries() {
    }

    /** Spend per day of the given owners (count: how many are bound after the period). */
    static String ownerDays(int count) {
        return "SELECT d.owner, d.utc_day, SUM(d.cost) FROM (SELECT c.owner, " + DAY + " AS utc_day, m.cost"
                + " FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE " + PERIOD
                + " AND c.owner IN (" + marks(count) + ")) d GROUP BY d.owner, d.utc_day";
    }

    /** Title, owner and current message count of the given conversations. */
    static String conversations(int count) {
        return "SELECT c.id, c.title, c.owner, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id"
                + " AND m.superseded_by IS NULL) FROM conversations c WHERE c.id IN (" + marks(count) + ")";
    }

    /** The first day of a period of `days` days that ends with the day of `now` (UTC). */
    static LocalDate firstDay(Instant now, int days) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(days - 1L);
    }

    /** The period's bounds as bound to the queries: from its first midnight to the midnight after it. */
    static OffsetDateTime[] bounds(LocalDate firstDay, int days) {
        OffsetDateTime from = firstDay.atStartOfDay().atOffset(ZoneOffset.UTC);
        return new OffsetDateTime[] {from, from.plusDays(days)};
    }

    /** Runs every query on one connection; the caller gives it one snapshot (a transaction). */
    static UsageReport read(Connection connection, Instant now, int days, int topOwners, int topConversations)
            throws SQLException {
        if (days < 1 || topOwners < 1 || topConversations < 1) {
            throw new IllegalArgumentException("days and tops must be at least 1");
        }
        LocalDate firstDay = firstDay(now, days);
        OffsetDateTime[] period = bounds(firstDay, days);
        long firstEpochDay = firstDay.toEpochDay();

        Map<String, BigDecimal[]> models = new TreeMap<>();
        Map<String, Long> modelAnswers = new TreeMap<>();
        long answers = 0;
        long estimated = 0;
        try (PreparedStatement query = Sql.prepare(connection, BY_MODEL, period[0], period[1]);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                int day = (int) (rows.getLong(1) - firstEpochDay);
                String model = Sql.text(rows, 2);
                String name = model == null ? "unknown" : model;
                add(models.computeIfAbsent(name, k -> zeros(days)), day, rows.getBigDecimal(3));
                modelAnswers.merge(name, rows.getLong(4), Long::sum);
                answers += rows.getLong(4);
                estimated += rows.getLong(5);
            }
        }
        List<UsageReport.Series> byModel = new ArrayList<>();
        models.forEach((name, perDay) -> byModel.add(series(name, perDay, modelAnswers.get(name))));
        byModel.sort(BY_TOTAL);
        BigDecimal total = byModel.stream().map(UsageReport.Series::total).reduce(BigDecimal.ZERO, BigDecimal::add);

        // the top owners, then their days; what they leave of each day is the others'
        Map<String, Long> ownerAnswers = new LinkedHashMap<>();
        long owners = 0;
        try (PreparedStatement query = Sql.prepare(connection, TOP_OWNERS, period[0], period[1], topOwners);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                ownerAnswers.put(Sql.text(rows, 1), rows.getLong(3));
                owners = rows.getLong(4);
            }
        }
        Map<String, BigDecimal[]> ownerDays = new LinkedHashMap<>();
        ownerAnswers.keySet().forEach(owner -> ownerDays.put(owner, zeros(days)));
        if (!ownerAnswers.isEmpty()) {
            List<Object> parameters = new ArrayList<>(List.of(period[0], period[1]));
            parameters.addAll(ownerAnswers.keySet());
            try (PreparedStatement query = Sql.prepare(connection, ownerDays(ownerAnswers.size()),
                    parameters.toArray());
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    add(ownerDays.get(Sql.text(rows, 1)), (int) (rows.getLong(2) - firstEpochDay),
                            rows.getBigDecimal(3));
                }
            }
        }
        List<UsageReport.Series> byOwner = new ArrayList<>();
        BigDecimal[] othersPerDay = UsageReport.sum(byModel, days).toArray(BigDecimal[]::new);
        long othersAnswers = answers;
        for (Map.Entry<String, BigDecimal[]> owner : ownerDays.entrySet()) {
            byOwner.add(series(owner.getKey(), owner.getValue(), ownerAnswers.get(owner.getKey())));
            for (int i = 0; i < days; i++) {
                othersPerDay[i] = othersPerDay[i].subtract(owner.getValue()[i]);
            }
            othersAnswers -= ownerAnswers.get(owner.getKey());
        }
        UsageReport.Series others = othersAnswers > 0 ? series("others", othersPerDay, othersAnswers) : null;

        Map<String, Long> byStatus = new TreeMap<>();
        try (PreparedStatement query = Sql.prepare(connection, BY_STATUS, period[0], period[1]);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                byStatus.put(Sql.text(rows, 1), rows.getLong(2));
            }
        }

        return new UsageReport(firstDay, days, total, answers, estimated, List.copyOf(byModel), List.copyOf(byOwner),
                others, owners, Collections.unmodifiableMap(byStatus),
                topConversations(connection, period, topConversations));
    }

    private static List<UsageReport.TopConversation> topConversations(Connection connection, OffsetDateTime[] period,
                                                                      int limit) throws SQLException {
        record Spent(String id, BigDecimal cost, long answers) {
        }
        List<Spent> spent = new ArrayList<>();
        try (PreparedStatement query = Sql.prepare(connection, TOP_CONVERSATIONS, period[0], period[1], limit);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                spent.add(new Spent(Sql.text(rows, 1), rows.getBigDecimal(2), rows.getLong(3)));
            }
        }
        if (spent.isEmpty()) {
            return List.of();
        }
        Map<String, String[]> details = new TreeMap<>();
        try (PreparedStatement query = Sql.prepare(connection, conversations(spent.size()),
                spent.stream().map(Spent::id).toArray());
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                details.put(Sql.text(rows, 1), new String[] {Sql.text(rows, 2), Sql.text(rows, 3),
                        Long.toString(rows.getLong(4))});
            }
        }
        List<UsageReport.TopConversation> top = new ArrayList<>();
        for (Spent conversation : spent) {
            String[] detail = details.get(conversation.id());
            if (detail != null) { // always, within the caller's snapshot
                top.add(new UsageReport.TopConversation(conversation.id(), detail[0], detail[1],
                        plain(conversation.cost()), conversation.answers(), Long.parseLong(detail[2])));
            }
        }
        return List.copyOf(top);
    }

    private static final java.util.Comparator<UsageReport.Series> BY_TOTAL =
            java.util.Comparator.comparing(UsageReport.Series::total).reversed()
                    .thenComparing(UsageReport.Series::name);

    private static UsageReport.Series series(String name, BigDecimal[] perDay, long answers) {
        List<BigDecimal> days = new ArrayList<>(perDay.length);
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal amount : perDay) {
            days.add(plain(amount));
            total = total.add(amount);
        }
        return new UsageReport.Series(name, List.copyOf(days), plain(total), answers);
    }

    private static void add(BigDecimal[] perDay, int day, BigDecimal amount) {
        if (perDay != null && amount != null && day >= 0 && day < perDay.length) {
            perDay[day] = perDay[day].add(amount);
        }
    }

    private static BigDecimal[] zeros(int days) {
        BigDecimal[] amounts = new BigDecimal[days];
        java.util.Arrays.fill(amounts, BigDecimal.ZERO);
        return amounts;
    }

    /** 0.0100000000 as 0.01, and zero as 0: the column's fixed scale says nothing about precision. */
    private static BigDecimal plain(BigDecimal amount) {
        return amount == null ? BigDecimal.ZERO
                : amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
