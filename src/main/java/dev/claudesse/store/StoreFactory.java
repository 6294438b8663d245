package dev.claudesse.store;

import org.h2.jdbcx.JdbcConnectionPool;

import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NoInitialContextException;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Function;

/**
 * Chooses where conversations are kept: the container's JNDI DataSource when there is one, else an
 * embedded H2 file database in the data directory. Settings come through a lookup that returns null
 * for a setting that is not set (the caller applies its precedence rules).
 */
public final class StoreFactory {

    public static final String JNDI_SETTING = "CLAUDE_SSE_JNDI_DATASOURCE";
    public static final String DEFAULT_JNDI_NAME = "java:comp/env/jdbc/claude";
    public static final String DATA_DIR_SETTING = "CLAUDE_SSE_DATA_DIR";
    public static final String HISTORY_TOKENS_SETTING = "CLAUDE_SSE_HISTORY_TOKENS";
    public static final long DEFAULT_HISTORY_TOKENS = 100_000;
    public static final String MAX_MESSAGES_SETTING = "CLAUDE_SSE_MAX_MESSAGES_PER_CONVERSATION";
    public static final String MAX_BYTES_SETTING = "CLAUDE_SSE_MAX_CONVERSATION_BYTES";
    public static final String PROGRESS_SETTING = "CLAUDE_SSE_PROGRESS_SECONDS";
    /** Claude counts about four characters of text per token. */
    static final int CHARS_PER_TOKEN = 4;

    private static final System.Logger LOG = System.getLogger(StoreFactory.class.getName());

    private StoreFactory() {
    }

    /** A DataSource, what to call it in the log, and what to run when the store closes (may be null). */
    record Choice(DataSource dataSource, String origin, AutoCloseable onClose) {
    }

    /**
     * Opens the store the settings ask for, and logs once which one and where. contextPath is the webapp's
     * ("" for the root): each deployment gets its own data directory unless CLAUDE_SSE_DATA_DIR names one.
     */
    public static JdbcConversationStore open(Function<String, String> settings, String contextPath)
            throws SQLException {
        Path dataDir = dataDir(settings, contextPath);
        Choice choice = choose(settings, dataDir);
        JdbcConversationStore.Options options = JdbcConversationStore.Options.defaults(dataDir)
                .withHistoryChars(historyTokens(settings) * CHARS_PER_TOKEN)
                .withLimits((int) whole(settings, MAX_MESSAGES_SETTING, JdbcConversationStore.Options.DEFAULT_MAX_MESSAGES,
                                2, Integer.MAX_VALUE),
                        whole(settings, MAX_BYTES_SETTING, JdbcConversationStore.Options.DEFAULT_MAX_BYTES, 1,
                                Long.MAX_VALUE))
                // checked by Settings before the store opens; the startup sweep then leaves other nodes' answers
                .withNode(blankToNull(settings.apply("CLAUDE_SSE_NODE")))
                // as many earlier files as one request may carry itself (docs/protocol.md, "Attachments"): base64
                // grows a file by a third, so a body of n bytes carries files of 3n/4
                .withHistoryFiles((int) whole(settings, "CLAUDE_SSE_MAX_ATTACHMENTS",
                        JdbcConversationStore.Options.DEFAULT_HISTORY_FILES, 1, Integer.MAX_VALUE),
                        whole(settings, "CLAUDE_SSE_MAX_BODY_BYTES", 1_048_576, 1, Long.MAX_VALUE) / 4 * 3)
                .withProgressInterval(Duration.ofSeconds(whole(settings, PROGRESS_SETTING,
                        JdbcConversationStore.Options.DEFAULT_PROGRESS_INTERVAL.toSeconds(), 0, 3600)));
        try {
            JdbcConversationStore store = JdbcConversationStore.open(choice.dataSource(), options, choice.onClose());
            LOG.log(Level.INFO, "conversation store: " + choice.origin() + ", " + describe(choice.dataSource())
                    + "; answer spool " + store.spoolFile());
            return store;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(choice.onClose());
            throw e;
        }
    }

    /**
     * CLAUDE_SSE_DATA_DIR as it is, else a directory of this deployment's own (named after its context
     * path) in data/claude-sse under the container's base, else in ~/.claude-sse. A directory shared by
     * two deployments would let one lock the other's H2 file, or apply the other's spooled answers.
     */
    public static Path dataDir(Function<String, String> settings, String contextPath) {
        String configured = blankToNull(settings.apply(DATA_DIR_SETTING));
        Path dir;
        if (configured != null) {
            dir = Path.of(configured);
        } else {
            Path shared;
            if (System.getProperty("catalina.base") != null) {
                shared = Path.of(System.getProperty("catalina.base"), "data", "claude-sse");
            } else if (System.getProperty("jetty.base") != null) {
                shared = Path.of(System.getProperty("jetty.base"), "data", "claude-sse");
            } else {
                shared = Path.of(System.getProperty("user.home"), ".claude-sse");
            }
            dir = shared.resolve(deploymentName(contextPath));
            warnAboutEarlierLayout(shared, dir);
        }
        try {
            return Files.createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir
                    + " (set " + DATA_DIR_SETTING + ")", e);
        }
    }

    /**
     * The directory name of a context path, as Tomcat names its webapps: "" is ROOT, "/chat" is chat,
     * "/a/b" is a#b. Any other character than letters, digits, '.', '_', '-' and '#' becomes '_'.
     */
    static String deploymentName(String contextPath) {
        String path = contextPath == null ? "" : contextPath.strip();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.isEmpty()) {
            return "ROOT";
        }
        String name = path.replace('/', '#').replaceAll("[^A-Za-z0-9._#-]", "_");
        // "." and ".." would name the shared directory or its parent
        return name.chars().allMatch(c -> c == '.') ? name.replace('.', '_') : name;
    }

    /** Versions before the per-deployment directory kept their files in the shared one: say so, move nothing. */
    private static void warnAboutEarlierLayout(Path shared, Path dir) {
        for (String file : new String[] {"claude.mv.db", JdbcConversationStore.SPOOL_FILE}) {
            if (Files.exists(shared.resolve(file)) && !Files.exists(dir.resolve(file))) {
                LOG.log(Level.WARNING, shared.resolve(file) + " was left by an earlier version, which kept every"
                        + " deployment's data in " + shared + "; this deployment now uses " + dir
                        + ". Move that deployment's claude.mv.db and finish-*.jsonl there, or set "
                        + DATA_DIR_SETTING + "=" + shared);
            }
        }
    }

    /** A whole-number setting from min to max, or its default when not set. */
    static long whole(Function<String, String> settings, String name, long fallback, long min, long max) {
        String value = blankToNull(settings.apply(name));
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min
                + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? " up" : " to " + max) + ", not " + value);
    }

    static long historyTokens(Function<String, String> settings) {
        String value = blankToNull(settings.apply(HISTORY_TOKENS_SETTING));
        if (value == null) {
            return DEFAULT_HISTORY_TOKENS;
        }
        try {
            long tokens = Long.parseLong(value.strip());
            if (tokens >= 0) {
                return tokens;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(HISTORY_TOKENS_SETTING + " must be a whole number >= 0, not " + value);
    }

    /**
     * The JNDI resource when it exists. A name set explicitly must exist: falling back to H2 then would hide
     * a broken production setup. The default name may be absent (no resource declared, or no JNDI at all),
     * but a declared resource that fails to load is an error too.
     */
    static Choice choose(Function<String, String> settings, Path dataDir) {
        String configured = blankToNull(settings.apply(JNDI_SETTING));
        String name = configured == null ? DEFAULT_JNDI_NAME : configured;
        try {
            Object found = new InitialContext().lookup(name);
            if (found instanceof DataSource dataSource) {
                return new Choice(dataSource, "JNDI DataSource " + name, null);
            }
            throw new IllegalStateException(JNDI_SETTING + ": " + name + " is a "
                    + (found == null ? "null" : found.getClass().getName()) + ", not a javax.sql.DataSource");
        } catch (NameNotFoundException | NoInitialContextException e) {
            if (configured != null) {
                throw new IllegalStateException(JNDI_SETTING + " names " + name
                        + " but the container has no such resource: " + e.getMessage(), e);
            }
        } catch (NamingException e) {
            throw new IllegalStateException("the JNDI resource " + name + " is declared but cannot be loaded: "
                    + e.getMessage(), e);
        }
        JdbcConnectionPool pool = embeddedH2(dataDir);
        return new Choice(pool, "embedded H2 database in " + dataDir, pool::dispose);
    }

    /** A pooled H2 file database; the store closes it (not the JVM's exit hook) so late answers are saved. */
    static JdbcConnectionPool embeddedH2(Path dataDir) {
        // QUERY_CACHE_SIZE: each pooled session keeps the parsed form of all the store's statements (H2's
        // default of 8 made every answer parse its SQL again: 8% of the CPU at 2,600 answers/s)
        String url = "jdbc:h2:file:" + dataDir.resolve("claude").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=64";
        return JdbcConnectionPool.create(url, "sa", "");
    }

    /** Product, version and URL of the database, without credentials, for the startup log. */
    static String describe(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " at "
                    + withoutSecrets(meta.getURL());
        } catch (SQLException e) {
            return "(database not described: " + e.getMessage() + ")";
        }
    }

    /** Drops user:password@ and password/secret parameters from a JDBC URL. */
    static String withoutSecrets(String url) {
        if (url == null) {
            return "(unknown URL)";
        }
        return url.replaceAll("//[^/@]*@", "//")
                .replaceAll("(?i)((?:password|passwd|pwd|secret)[a-z]*=)[^&;]*", "$1***");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "close failed: " + e);
            }
        }
    }
}
