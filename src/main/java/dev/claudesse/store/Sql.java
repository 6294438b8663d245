package dev.claudesse.store;

import dev.claudesse.protocol.Utf16;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;

/** Small helpers to run PreparedStatements with positional parameters; strings go through StoredText. */
final class Sql {

    private Sql() {
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.length; i++) {
                bind(statement, i + 1, parameters[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /**
     * Upstream values (request id, error type) are cut to their column so a long one cannot fail a write;
     * the stored form (StoredText) is what must fit.
     */
    static String cut(String value, int maxLength) {
        String cut = value;
        while (cut != null && StoredText.encode(cut).length() > maxLength) {
            cut = Utf16.cut(cut, Math.min(maxLength, cut.length() - 1)); // never half of an emoji
        }
        return cut;
    }

    /** A string column, as it was before StoredText encoded it. */
    static String text(ResultSet rows, int column) throws SQLException {
        return StoredText.decode(rows.getString(column));
    }

    static String text(ResultSet rows, String column) throws SQLException {
        return StoredText.decode(rows.getString(column));
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (value) {
            case null -> statement.setNull(index, Types.NULL);
            case String text -> statement.setString(index, StoredText.encode(text));
            case Integer number -> statement.setInt(index, number);
            case Long number -> statement.setLong(index, number);
            case Boolean flag -> statement.setBoolean(index, flag);
            case BigDecimal decimal -> statement.setBigDecimal(index, decimal);
            case OffsetDateTime time -> statement.setObject(index, time);
            case byte[] bytes -> statement.setBytes(index, bytes);
            default -> throw new IllegalArgumentException("unsupported parameter " + value.getClass());
        }
    }
}
