package dev.claudesse.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Creates and upgrades the tables, one numbered step at a time. Table schema_version remembers which
 * steps ran, so each runs once. Each step runs in one transaction together with its schema_version row:
 * on PostgreSQL a failed step leaves nothing behind; H2 commits DDL at once, so there a failed step
 * may stay half done (its row is not written, and the next start says which step failed).
 *
 * <p>The SQL is the portable subset that H2 2.x and PostgreSQL both accept. Never change a shipped
 * step: add a new one.
 */
public final class Migrations {

    /** One step of the schema's history. */
    public record Migration(int version, String description, List<String> statements) {
    }

    public static final List<Migration> ALL = List.of(
            new Migration(1, "conversations and messages", List.of(
                    """
                    CREATE TABLE conversations (
                        id VARCHAR(64) PRIMARY KEY,
                        owner VARCHAR(255) NOT NULL,
                        title VARCHAR(255) NOT NULL,
                        created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                        updated_at TIMESTAMP WITH TIME ZONE NOT NULL
                    )""",
                    """
                    CREATE TABLE messages (
                        id VARCHAR(64) PRIMARY KEY,
                        conversation_id VARCHAR(64) NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                        position INT NOT NULL,
                        role VARCHAR(16) NOT NULL,
                        content TEXT NOT NULL,
                        thinking TEXT,
                        model VARCHAR(100),
                        status VARCHAR(16) NOT NULL,
                        stop_reason VARCHAR(64),
                        input_tokens BIGINT NOT NULL DEFAULT 0,
                        output_tokens BIGINT NOT NULL DEFAULT 0,
                        cache_creation_input_tokens BIGINT NOT NULL DEFAULT 0,
                        cache_read_input_tokens BIGINT NOT NULL DEFAULT 0,
                        cost DECIMAL(20,10),
                        cost_estimated BOOLEAN NOT NULL DEFAULT FALSE,
                        request_id VARCHAR(255),
                        error_type VARCHAR(100),
                        error_message TEXT,
                        created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                        first_token_at TIMESTAMP WITH TIME ZONE,
                        finished_at TIMESTAMP WITH TIME ZONE
                    )""")),
            new Migration(2, "indexes for listing and ordering; cache-creation tokens by lifetime", List.of(
                    "CREATE INDEX conversations_owner_updated ON conversations (owner, updated_at)",
                    "CREATE UNIQUE INDEX messages_conversation_position ON messages (conversation_id, position)",
                    "CREATE INDEX messages_status ON messages (status)",
                    "ALTER TABLE messages ADD COLUMN cache_creation_5m_tokens BIGINT NOT NULL DEFAULT 0",
                    "ALTER TABLE messages ADD COLUMN cache_creation_1h_tokens BIGINT NOT NULL DEFAULT 0")),
            new Migration(3, "why Claude stopped: a refusal's category and explanation", List.of(
                    "ALTER TABLE messages ADD COLUMN stop_category VARCHAR(100)",
                    "ALTER TABLE messages ADD COLUMN stop_explanation TEXT")),
            new Migration(4, "regenerated answers: which answer replaced which", List.of(
                    "ALTER TABLE messages ADD COLUMN superseded_by VARCHAR(64)",
                    "ALTER TABLE messages ADD COLUMN replaces VARCHAR(64)")),
            // The usage page's aggregates read the messages of the last 30 days: a range of created_at. Rows
            // arrive in created_at order, so that range is a run of adjacent pages, not the whole table.
            // Owners need nothing new: conversations_owner_updated (version 2) leads with owner.
            new Migration(5, "usage page: messages by time", List.of(
                    "CREATE INDEX messages_created_at ON messages (created_at)")),
            // A question's files (api/chat's attachments). conversation_id is kept on each row so the room
            // check, the owner check of a download and a deletion need no join through messages. BYTEA is
            // PostgreSQL's type and H2's name for BINARY VARYING, so one statement serves both.
            new Migration(6, "files attached to questions", List.of(
                    """
                    CREATE TABLE message_attachments (
                        message_id VARCHAR(64) NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
                        position INT NOT NULL,
                        conversation_id VARCHAR(64) NOT NULL,
                        name VARCHAR(255) NOT NULL,
                        media_type VARCHAR(100) NOT NULL,
                        byte_count BIGINT NOT NULL,
                        data BYTEA NOT NULL,
                        PRIMARY KEY (message_id, position)
                    )""",
                    "CREATE INDEX message_attachments_conversation ON message_attachments (conversation_id)")));

    public static final int LATEST = ALL.getLast().version();
    /** How long a failed step waits for another instance that may be running it at the same moment. */
    private static final java.time.Duration OTHER_INSTANCE_WAIT = java.time.Duration.ofSeconds(5);

    private Migrations() {
    }

    /** Brings the database to the latest version; returns how many steps ran now. */
    public static int migrate(DataSource dataSource) throws SQLException {
        return migrateTo(dataSource, LATEST);
    }

    /** Brings the database up to the given version (tests use it to build an older schema). */
    public static int migrateTo(DataSource dataSource, int target) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            createVersionTable(connection);
            int ran = 0;
            for (Migration migration : ALL) {
                if (migration.version() <= target && migration.version() > currentVersion(connection)
                        && apply(connection, migration)) {
                    ran++;
                }
            }
            return ran;
        }
    }

    /** The highest version applied, 0 for an empty database. */
    public static int currentVersion(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            createVersionTable(connection);
            return currentVersion(connection);
        }
    }

    private static void createVersionTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS schema_version (
                        version INT PRIMARY KEY,
                        description VARCHAR(255) NOT NULL,
                        applied_at TIMESTAMP WITH TIME ZONE NOT NULL
                    )""");
        } catch (SQLException e) {
            // Nodes started together on an empty database: PostgreSQL's IF NOT EXISTS can still fail with a
            // duplicate key in its catalog when another session creates the table at the same moment.
            if (!versionTableExists(connection)) {
                throw e;
            }
        }
    }

    private static boolean versionTableExists(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT COUNT(*) FROM schema_version").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static int currentVersion(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT MAX(version) FROM schema_version");
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** Whether the step's version row appears within a few seconds (another instance's step committing). */
    private static boolean appliedByAnother(Connection connection, int version) throws SQLException {
        connection.setAutoCommit(true);
        long deadline = System.nanoTime() + OTHER_INSTANCE_WAIT.toNanos();
        while (currentVersion(connection) < version) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Runs one step; false when another instance starting at the same moment ran it first. */
    private static boolean apply(Connection connection, Migration migration) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement();
             PreparedStatement record = connection.prepareStatement(
                     "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
            for (String sql : migration.statements()) {
                statement.execute(sql);
            }
            record.setInt(1, migration.version());
            record.setString(2, migration.description());
            record.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            record.executeUpdate();
            connection.commit();
            return true;
        } catch (SQLException e) {
            connection.rollback();
            // Another instance starting at the same moment may be applying this step (H2 shows its tables
            // before its version row commits): once its row is there, that is fine.
            if (appliedByAnother(connection, migration.version())) {
                return false;
            }
            throw new SQLException("schema migration " + migration.version() + " (" + migration.description()
                    + ") failed: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
