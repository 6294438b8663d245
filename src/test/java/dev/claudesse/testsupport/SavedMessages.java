package dev.claudesse.testsupport;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/** Reads what the app saved, straight from its database, for tests that check the store from outside. */
public final class SavedMessages {

    public record Saved(String status, String content) {
    }

    private final DataSource database;

    public SavedMessages(DataSource database) {
        this.database = database;
    }

    /** The saved assistant message once its status is the expected one (saving may lag the stream). */
    public Saved await(String messageId, String status, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Saved saved = null;
        while (System.nanoTime() < deadline) {
            saved = find(messageId);
            if (saved != null && saved.status().equals(status)) {
                return saved;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("message " + messageId + " was not saved as " + status + " within " + timeout
                + "; found " + saved);
    }

    /** The saved assistant message once its status is the expected one and its text this one. */
    public Saved awaitContent(String messageId, String status, String content, Duration timeout)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Saved saved = null;
        while (System.nanoTime() < deadline) {
            saved = find(messageId);
            if (saved != null && saved.status().equals(status) && content.equals(saved.content())) {
                return saved;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("message " + messageId + " was not saved as " + status + " with text \"" + content
                + "\" within " + timeout + "; found " + saved);
    }

    private Saved find(String messageId) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT status, content FROM messages WHERE id = ? AND role = 'assistant'")) {
            query.setString(1, messageId);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? new Saved(rows.getString(1), rows.getString(2)) : null;
            }
        }
    }
}
