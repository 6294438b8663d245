package dev.claudesse.store;

import dev.claudesse.claude.StopDetails;
import dev.claudesse.claude.Usage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/** Reads a row of table messages. */
final class MessageRows {

    private MessageRows() {
    }

    static StoredMessage read(ResultSet rows) throws SQLException {
        Usage usage = new Usage(rows.getLong("input_tokens"), rows.getLong("output_tokens"),
                rows.getLong("cache_creation_input_tokens"), rows.getLong("cache_creation_5m_tokens"),
                rows.getLong("cache_creation_1h_tokens"), rows.getLong("cache_read_input_tokens"));
        return new StoredMessage(Sql.text(rows, "id"), rows.getInt("position"), Sql.text(rows, "role"),
                Sql.text(rows, "content"), Sql.text(rows, "thinking"), Sql.text(rows, "model"),
                AnswerStatus.valueOf(Sql.text(rows, "status").toUpperCase(Locale.ROOT)),
                Sql.text(rows, "stop_reason"), usage, rows.getBigDecimal("cost"), rows.getBoolean("cost_estimated"),
                Sql.text(rows, "request_id"), Sql.text(rows, "error_type"), Sql.text(rows, "error_message"),
                instant(rows, "created_at"), instant(rows, "first_token_at"), instant(rows, "finished_at"),
                stopDetails(rows), Sql.text(rows, "replaces"), List.of());
    }

    /** Only a stop Claude explained has details; the type is always a refusal's so far. */
    private static StopDetails stopDetails(ResultSet rows) throws SQLException {
        String category = Sql.text(rows, "stop_category");
        String explanation = Sql.text(rows, "stop_explanation");
        return category == null && explanation == null ? null
                : new StopDetails(Sql.text(rows, "stop_reason"), category, explanation);
    }

    private static Instant instant(ResultSet rows, String column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
