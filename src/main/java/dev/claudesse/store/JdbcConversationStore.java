package dev.claudesse.store;

import dev.claudesse.claude.Usage;

import javax.sql.DataSource;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The conversation store over JDBC: H2 or PostgreSQL, plain portable SQL, PreparedStatement only.
 * begin() writes synchronously (the answer needs its history); finish() hands the answer to a
 * {@link FinishWriter} and returns at once.
 */
public final class JdbcConversationStore implements ConversationStore, ConversationArchive, UsageArchive {

    /**
     * Settings of the store; historyChars is the budget of the context sent to Claude (tokens * 4);
     * maxMessages and maxBytes (UTF-8 bytes of text and thinking, plus the bytes of attached files) limit
     * one conversation; historyFiles and historyFileBytes are the most files, and bytes of files, of earlier
     * questions sent to Claude again.
     */
    public record Options(Path dataDir, long historyChars, FinishRetry retry, Duration closeWait,
                          int maxMessages, long maxBytes, String node, int historyFiles, long historyFileBytes,
                          Duration progressInterval) {
        public static final int DEFAULT_MAX_MESSAGES = 1000;
        public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;
        public static final int DEFAULT_HISTORY_FILES = 10;
        /** What the default body limit (1 MiB) carries once base64 has grown it by a third. */
        public static final long DEFAULT_HISTORY_FILE_BYTES = 786_432;
        public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

        public Options(Path dataDir, long historyChars, FinishRetry retry, Duration closeWait) {
            this(dataDir, historyChars, retry, closeWait, DEFAULT_MAX_MESSAGES, DEFAULT_MAX_BYTES, null,
                    DEFAULT_HISTORY_FILES, DEFAULT_HISTORY_FILE_BYTES, DEFAULT_PROGRESS_INTERVAL);
        }

        public static Options defaults(Path dataDir) {
            return new Options(dataDir, 100_000L * 4, FinishRetry.DEFAULT, Duration.ofSeconds(20));
        }

        public Options withHistoryChars(long chars) {
            return new Options(dataDir, chars, retry, closeWait, maxMessages, maxBytes, node, historyFiles,
                    historyFileBytes, progressInterval);
        }

        public Options withRetry(FinishRetry policy) {
            return new Options(dataDir, historyChars, policy, closeWait, maxMessages, maxBytes, node, historyFiles,
                    historyFileBytes, progressInterval);
        }

        /** messages at least 2 (a question and its answer), bytes at least 1. */
        public Options withLimits(int messages, long bytes) {
            if (messages < 2 || bytes < 1) {
                throw new IllegalArgumentException("a conversation must hold at least 2 messages and 1 byte");
            }
            return new Options(dataDir, historyChars, retry, closeWait, messages, bytes, node, historyFiles,
                    historyFileBytes, progressInterval);
        }

        /**
         * This node's name (CLAUDE_SSE_NODE, already checked: letters and digits), or null for one node. The
         * startup sweep then marks only answers whose id starts with "NAME-": the other nodes' are not ours.
         */
        public Options withNode(String name) {
            return new Options(dataDir, historyChars, retry, closeWait, maxMessages, maxBytes, name, historyFiles,
                    historyFileBytes, progressInterval);
        }

        /**
         * The most files, and bytes of files, of earlier questions resent to Claude, the newest first (0: none).
         * The bytes keep what one answer holds in memory near what one request body may bring.
         */
        public Options withHistoryFiles(int files, long bytes) {
            if (files < 0 || bytes < 0) {
                throw new IllegalArgumentException("history files must not be negative");
            }
            return new Options(dataDir, historyChars, retry, closeWait, maxMessages, maxBytes, node, files, bytes,
                    progressInterval);
        }

        /** How often running answers' text is saved (CLAUDE_SSE_PROGRESS_SECONDS); zero: only at their end. */
        public Options withProgressInterval(Duration every) {
            return new Options(dataDir, historyChars, retry, closeWait, maxMessages, maxBytes, node, historyFiles,
                    historyFileBytes, every);
        }
    }

    static final String SPOOL_FILE = "finish-spool.jsonl";
    static final String REJECTED_FILE = "finish-rejected.jsonl";
    static final String UNMATCHED_FILE = "finish-unmatched.jsonl";

    private static final System.Logger LOG = System.getLogger(JdbcConversationStore.class.getName());
    /** Rows of history read at a time, newest first, until the budget is full. */
    private static final int HISTORY_BATCH = 16;
    /** How long a follow-up question waits for earlier answers to reach the database. */
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private final Options options;
    private final AutoCloseable onClose;
    private final FinishWriter writer;
    /** Null when running answers' text is saved only at their end. */
    private final ProgressWriter progress;
    private final Instant openedAt = Instant.now();

    private JdbcConversationStore(DataSource dataSource, Options options, AutoCloseable onClose) {
        this.dataSource = dataSource;
        this.options = options;
        this.onClose = onClose;
        this.writer = new FinishWriter(new Target(), new FinishSpool(options.dataDir().resolve(SPOOL_FILE)),
                new FinishSpool(options.dataDir().resolve(REJECTED_FILE)),
                new FinishSpool(options.dataDir().resolve(UNMATCHED_FILE)), options.retry());
        this.progress = options.progressInterval().isPositive()
                ? new ProgressWriter(dataSource, options.progressInterval()) : null;
    }

    /**
     * Opens the store: migrates the schema, applies answers spooled by an earlier run, marks answers left
     * streaming by a crash as interrupted, and starts the writer. onClose (may be null) runs on close(),
     * e.g. to shut an embedded pool. Fails when the database cannot be reached.
     */
    public static JdbcConversationStore open(DataSource dataSource, Options options, AutoCloseable onClose)
            throws SQLException {
        Migrations.migrate(dataSource);
        JdbcConversationStore store = new JdbcConversationStore(dataSource, options, onClose);
        store.writer.drainSpool();
        int interrupted = store.recoverInterrupted();
        if (interrupted > 0) {
            LOG.log(Level.WARNING, interrupted + " answers were cut off by a previous stop"
                    + (options.node() == null ? "" : " of node " + options.node()) + "; marked interrupted");
        }
        store.writer.start();
        if (store.progress != null) {
            store.progress.start();
        }
        return store;
    }

    // ---- ConversationStore

    @Override
    public Started begin(AnswerStart start) throws ConversationNotFoundException, ConversationFullException {
        if (start.conversationId() != null && !writer.awaitQueued(HISTORY_WAIT)) {
            LOG.log(Level.WARNING, "earlier answers are not saved yet; the history sent may lack them");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Started started = begin(connection, start);
                connection.commit();
                return started;
            } catch (SQLException | ConversationNotFoundException | ConversationFullException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot save the question", e);
        }
    }

    private Started begin(Connection connection, AnswerStart start)
            throws SQLException, ConversationNotFoundException, ConversationFullException {
        OffsetDateTime now = time(start.createdAt() == null ? Instant.now() : start.createdAt());
        String conversationId = start.conversationId();
        List<Turn> history = List.of();
        int position = 0;
        String replaced = null;
        String question = start.userText();
        List<AttachmentData> files = start.files();
        long incoming = utf8Length(question) + size(files);
        if (incoming > options.maxBytes()) {
            throw new ConversationFullException("The message has " + incoming + " bytes; a conversation holds at"
                    + " most " + options.maxBytes() + ". Send a shorter message"
                    + (files.isEmpty() ? "" : " or smaller files") + ".", true);
        }
        if (conversationId == null || (start.createIfAbsent() && !exists(connection, conversationId))) {
            conversationId = conversationId == null ? UUID.randomUUID().toString() : conversationId;
            Sql.update(connection, "INSERT INTO conversations (id, owner, title, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?)", conversationId, start.owner(),
                    Titles.fromFirstMessage(start.userText()), now, now);
        } else {
            lockOwnConversation(connection, start.owner(), conversationId);
            if (question == null && start.regenerating() != null) {
                Asked asked = latestQuestion(connection, conversationId);
                question = asked.text();
                files = files(connection, List.of(asked.id())).getOrDefault(asked.id(), List.of());
                incoming = utf8Length(question) + size(files);
            }
            checkRoom(connection, conversationId, incoming);
            position = nextPosition(connection, conversationId);
            if (start.regenerating() != null) {
                replaced = supersede(connection, conversationId, start.regenerating().answerId(),
                        start.assistantMessageId());
            }
            history = history(connection, conversationId, position);
            Sql.update(connection, "UPDATE conversations SET updated_at = ? WHERE id = ?", now, conversationId);
        }
        Sql.update(connection, "INSERT INTO messages (id, conversation_id, position, role, content, model, status,"
                        + " created_at, finished_at) VALUES (?, ?, ?, 'user', ?, ?, 'complete', ?, ?)",
                start.userMessageId(), conversationId, position, nonNull(question), start.model(), now, now);
        for (int i = 0; i < files.size(); i++) {
            AttachmentData file = files.get(i);
            Sql.update(connection, "INSERT INTO message_attachments (message_id, position, conversation_id, name,"
                            + " media_type, byte_count, data) VALUES (?, ?, ?, ?, ?, ?, ?)", start.userMessageId(), i,
                    conversationId, file.name(), file.mediaType(), (long) file.bytes().length, file.bytes());
        }
        Sql.update(connection, "INSERT INTO messages (id, conversation_id, position, role, content, model, status,"
                        + " created_at, replaces) VALUES (?, ?, ?, 'assistant', '', ?, 'streaming', ?, ?)",
                start.assistantMessageId(), conversationId, position + 1, start.model(), now, replaced);
        return new Started(conversationId, history, question, files);
    }

    /**
     * The question of the conversation's latest current answer, for a regeneration that asks it again
     * (read under the conversation's lock, so it is the question the answer replaced belonged to).
     * Refused when there is no answer, or when that answer is still streaming.
     */
    private static Asked latestQuestion(Connection connection, String conversationId) throws SQLException {
        try (PreparedStatement query = Sql.prepare(connection, "SELECT a.status, q.content, q.id FROM messages a"
                        + " JOIN messages q ON q.conversation_id = a.conversation_id AND q.position = a.position - 1"
                        + " WHERE a.conversation_id = ? AND a.role = 'assistant' AND a.superseded_by IS NULL"
                        + " ORDER BY a.position DESC LIMIT 1", conversationId);
             ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                throw new NothingToRegenerateException("This conversation has no answer to regenerate.", false);
            }
            if ("streaming".equals(Sql.text(rows, 1))) {
                throw new NothingToRegenerateException("The latest answer is still streaming; stop it or wait for"
                        + " it to end before regenerating it.", true);
            }
            return new Asked(Sql.text(rows, 2), Sql.text(rows, 3));
        }
    }

    /**
     * Marks the regenerated answer, its question and everything after them as superseded by the new
     * answer. The answer is the named one when it is a current answer of this conversation, else the
     * latest current answer (the AI SDK names none by default, or names a message of its own). Returns
     * the id of the answer replaced, null when the conversation has no current answer.
     */
    private static String supersede(Connection connection, String conversationId, String answerId, String newAnswerId)
            throws SQLException {
        String current = "SELECT id, position FROM messages WHERE conversation_id = ? AND role = 'assistant'"
                + " AND superseded_by IS NULL";
        Placed answer = answerId == null ? null : placed(connection, current + " AND id = ?", conversationId, answerId);
        if (answer == null) {
            answer = placed(connection, current + " ORDER BY position DESC LIMIT 1", conversationId);
        }
        if (answer == null) {
            return null;
        }
        int questionPosition = answer.position() - 1; // an answer always follows its question
        Sql.update(connection, "UPDATE messages SET superseded_by = ? WHERE conversation_id = ? AND position >= ?"
                + " AND superseded_by IS NULL", newAnswerId, conversationId, questionPosition);
        return answer.id();
    }

    private record Placed(String id, int position) {
    }

    /** A stored question: its text and its message's id (whose files a regeneration copies). */
    private record Asked(String text, String id) {
    }

    private static Placed placed(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement query = Sql.prepare(connection, sql, parameters);
             ResultSet rows = query.executeQuery()) {
            return rows.next() ? new Placed(Sql.text(rows, 1), rows.getInt(2)) : null;
        }
    }

    private static boolean exists(Connection connection, String conversationId) throws SQLException {
        try (PreparedStatement query = Sql.prepare(connection, "SELECT 1 FROM conversations WHERE id = ?",
                conversationId);
             ResultSet rows = query.executeQuery()) {
            return rows.next();
        }
    }

    /** Locks the conversation row, so two questions in one conversation get distinct positions. */
    private static void lockOwnConversation(Connection connection, String owner, String conversationId)
            throws SQLException, ConversationNotFoundException {
        try (PreparedStatement query = Sql.prepare(connection,
                "SELECT id FROM conversations WHERE id = ? AND owner = ? FOR UPDATE", conversationId, owner);
             ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                throw new ConversationNotFoundException(conversationId);
            }
        }
    }

    private static int nextPosition(Connection connection, String conversationId) throws SQLException {
        try (PreparedStatement query = Sql.prepare(connection,
                "SELECT COALESCE(MAX(position), -1) + 1 FROM messages WHERE conversation_id = ?", conversationId);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /**
     * Refuses a question when the conversation cannot take it and its answer: at most maxMessages rows,
     * and at most maxBytes of text. The answer may take it past maxBytes; the next question is refused.
     */
    private void checkRoom(Connection connection, String conversationId, long incoming)
            throws SQLException, ConversationFullException {
        try (PreparedStatement query = Sql.prepare(connection, "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(content)"
                + " + COALESCE(OCTET_LENGTH(thinking), 0)), 0) + (SELECT COALESCE(SUM(byte_count), 0)"
                + " FROM message_attachments WHERE conversation_id = ?) FROM messages WHERE conversation_id = ?",
                conversationId, conversationId);
             ResultSet rows = query.executeQuery()) {
            rows.next();
            long messages = rows.getLong(1);
            long bytes = rows.getLong(2);
            if (messages + 2 > options.maxMessages()) {
                throw new ConversationFullException("This conversation has reached its limit of "
                        + options.maxMessages() + " messages. Start a new conversation.", false);
            }
            if (bytes + incoming > options.maxBytes()) {
                throw new ConversationFullException("This conversation has reached its limit of "
                        + options.maxBytes() + " bytes of text and files. Start a new conversation.", false);
            }
        }
    }

    /**
     * The earlier turns (positions before `before`), read newest first a few rows at a time until the
     * budget is full (see HistoryCollector), so a long conversation is never read whole. A message
     * longer than what is left of the budget is not even fetched: it cannot be sent (a stored character
     * counts at most twice, see StoredText, hence the factor 2).
     */
    private List<Turn> history(Connection connection, String conversationId, int before) throws SQLException {
        HistoryCollector collector = new HistoryCollector(options.historyChars());
        int next = before;
        while (true) {
            int read = 0;
            try (PreparedStatement query = Sql.prepare(connection, "SELECT position, role,"
                            + " CASE WHEN CHAR_LENGTH(content) <= ? THEN content END, id FROM messages"
                            + " WHERE conversation_id = ? AND position < ? AND superseded_by IS NULL"
                            + " ORDER BY position DESC LIMIT ?",
                    2 * collector.remainingChars(), conversationId, next, HISTORY_BATCH);
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    read++;
                    next = rows.getInt(1);
                    String role = Sql.text(rows, 2);
                    String text = Sql.text(rows, 3);
                    boolean more = text == null ? collector.offerTooLong(role)
                            : collector.offer(role, text, Sql.text(rows, 4));
                    if (!more) {
                        return withFiles(connection, collector);
                    }
                }
            }
            if (read < HISTORY_BATCH) {
                return withFiles(connection, collector);
            }
        }
    }

    /**
     * The kept turns with the files of their questions, the newest within historyFiles and historyFileBytes:
     * Claude needs an earlier image to go on talking about it, but each one costs tokens on every turn, Claude
     * takes a bounded number of images per request, and an answer holds its request in memory while it runs.
     * Older files are not sent again (their question's text is).
     */
    private List<Turn> withFiles(Connection connection, HistoryCollector collector) throws SQLException {
        Map<String, List<AttachmentInfo>> listed = infos(connection, collector.questionIds());
        List<String> wanted = new ArrayList<>();
        int files = options.historyFiles();
        long bytes = options.historyFileBytes();
        for (String id : collector.questionIds()) { // newest first
            List<AttachmentInfo> its = listed.getOrDefault(id, List.of());
            if (its.isEmpty()) {
                continue;
            }
            long size = its.stream().mapToLong(AttachmentInfo::size).sum();
            if (its.size() > files || size > bytes) {
                break; // a question's files go together or not at all, and older ones not past a newer one left out
            }
            files -= its.size();
            bytes -= size;
            wanted.add(id);
        }
        return collector.turns(files(connection, wanted));
    }

    private static long size(List<AttachmentData> files) {
        return files.stream().mapToLong(file -> file.bytes().length).sum();
    }

    /** The files of these messages, with their bytes, in order; messages without files are absent. */
    private static Map<String, List<AttachmentData>> files(Connection connection, List<String> messageIds)
            throws SQLException {
        return byMessage(connection, "name, media_type, data", messageIds,
                rows -> new AttachmentData(Sql.text(rows, 2), Sql.text(rows, 3), rows.getBytes(4)));
    }

    /** What is listed of the files of these messages (no bytes read); messages without files are absent. */
    private static Map<String, List<AttachmentInfo>> infos(Connection connection, List<String> messageIds)
            throws SQLException {
        return byMessage(connection, "position, name, media_type, byte_count", messageIds,
                rows -> new AttachmentInfo(rows.getInt(2), Sql.text(rows, 3), Sql.text(rows, 4), rows.getLong(5)));
    }

    private interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    /** Rows of message_attachments (columns after message_id) by message, each message's in order. */
    private static <T> Map<String, List<T>> byMessage(Connection connection, String columns, List<String> messageIds,
                                                      Row<T> row) throws SQLException {
        Map<String, List<T>> found = new HashMap<>();
        if (messageIds.isEmpty()) {
            return found;
        }
        try (PreparedStatement query = Sql.prepare(connection, "SELECT message_id, " + columns
                        + " FROM message_attachments WHERE message_id IN (" + marks(messageIds.size()) + ")"
                        + " ORDER BY message_id, position", messageIds.toArray());
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                found.computeIfAbsent(Sql.text(rows, 1), id -> new ArrayList<>()).add(row.read(rows));
            }
        }
        return found;
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    static long utf8Length(String text) {
        return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    @Override
    public void finish(AnswerEnd end) {
        writer.submit(end);
    }

    @Override
    public Duration progressInterval() {
        return progress == null ? Duration.ZERO : options.progressInterval();
    }

    @Override
    public void saveProgress(String messageId, String text, String thinking) {
        if (progress != null) {
            progress.submit(messageId, text, thinking);
        }
    }

    /**
     * Writes an answer's final state in one transaction. Only a row still streaming (or marked interrupted
     * by a restart, whose real end this is) changes: a second finish of the same answer changes nothing.
     * False when the answer has no row at all.
     */
    private boolean write(AnswerEnd end) throws SQLException {
        return writeAll(List.of(end)).getFirst();
    }

    /**
     * Writes answers' final states in one transaction (a group commit: under load one commit serves many
     * answers). For each, whether its row exists; any failure rolls back all of them.
     */
    private List<Boolean> writeAll(List<AnswerEnd> ends) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Boolean> exists = new ArrayList<>(ends.size());
                for (AnswerEnd end : ends) {
                    exists.add(write(connection, end));
                }
                connection.commit();
                return exists;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    /** An answer's final state, within the caller's transaction. Only a row still streaming (or interrupted) changes. */
    private static boolean write(Connection connection, AnswerEnd end) throws SQLException {
        Usage usage = end.usage() == null ? Usage.NONE : end.usage();
        OffsetDateTime finished = time(end.finishedAt() == null ? Instant.now() : end.finishedAt());
        int changed = Sql.update(connection, """
                        UPDATE messages SET content = ?, thinking = ?, status = ?, stop_reason = ?,
                            input_tokens = ?, output_tokens = ?, cache_creation_input_tokens = ?,
                            cache_creation_5m_tokens = ?, cache_creation_1h_tokens = ?,
                            cache_read_input_tokens = ?, cost = ?, cost_estimated = ?, request_id = ?,
                            error_type = ?, error_message = ?, first_token_at = ?, finished_at = ?,
                            stop_category = ?, stop_explanation = ?
                        WHERE id = ? AND role = 'assistant' AND status IN ('streaming', 'interrupted')""",
                nonNull(end.text()), emptyToNull(end.thinking()), end.status().wireName(),
                Sql.cut(end.stopReason(), 64), usage.inputTokens(), usage.outputTokens(),
                usage.cacheCreationInputTokens(), usage.cacheCreation5mTokens(),
                usage.cacheCreation1hTokens(), usage.cacheReadInputTokens(), exactCost(end.cost()),
                end.costEstimated(), Sql.cut(end.requestId(), 255), Sql.cut(end.errorType(), 100),
                end.errorMessage(), time(end.firstTokenAt()), finished,
                end.stopDetails() == null ? null : Sql.cut(end.stopDetails().category(), 100),
                end.stopDetails() == null ? null : end.stopDetails().explanation(), end.messageId());
        if (changed > 0) {
            Sql.update(connection, "UPDATE conversations SET updated_at = ? WHERE updated_at < ? AND id ="
                    + " (SELECT conversation_id FROM messages WHERE id = ?)", finished, finished, end.messageId());
            return true;
        }
        return rowExists(connection, end.messageId());
    }

    /** Whether the answer's row exists: a 0-row update of an answer already finished is no loss. */
    private static boolean rowExists(Connection connection, String messageId) throws SQLException {
        try (PreparedStatement query = Sql.prepare(connection, "SELECT 1 FROM messages WHERE id = ?", messageId);
             ResultSet rows = query.executeQuery()) {
            return rows.next();
        }
    }

    /**
     * Marks answers left streaming by an earlier run as interrupted; returns how many. Only rows created
     * before this store opened: at startup no answer of this run is live yet. With a node name, only that
     * node's answers (ids "NAME-..."): other nodes sharing the database may be running theirs right now.
     */
    public int recoverInterrupted() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String sql = "UPDATE messages SET status = 'interrupted', finished_at = ?"
                    + " WHERE status = 'streaming' AND created_at < ?";
            if (options.node() == null) {
                return Sql.update(connection, sql, time(Instant.now()), time(openedAt));
            }
            // the name is letters and digits only, so it holds no LIKE wildcard
            return Sql.update(connection, sql + " AND id LIKE ?", time(Instant.now()), time(openedAt),
                    options.node() + "-%");
        }
    }

    @Override
    public Optional<StoredAnswer> findAnswer(String owner, String messageId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = Sql.prepare(connection, "SELECT m.*, c.id AS conv_id FROM messages m"
                     + " JOIN conversations c ON c.id = m.conversation_id"
                     + " WHERE m.id = ? AND c.owner = ? AND m.role = 'assistant'", messageId, owner);
             ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            StoredMessage message = MessageRows.read(rows);
            return Optional.of(new StoredAnswer(message.id(), Sql.text(rows, "conv_id"), message.model(),
                    new AnswerEnd(message.id(), message.status(), message.stopReason(), message.text(),
                            message.thinking(), message.usage(), message.cost(), message.costEstimated(),
                            message.requestId(), message.errorType(), message.errorMessage(),
                            message.firstTokenAt(), message.finishedAt(), message.stopDetails())));
        } catch (SQLException e) {
            throw new StoreException("cannot read answer", e);
        }
    }

    @Override
    public boolean isReachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Answers handed to finish() and not yet in the database (queued or spooled). */
    public long pendingWrites() {
        return writer.pendingCount();
    }

    /** How many answers had to go to the spool file since this store opened. */
    public long spooledTotal() {
        return writer.spooledTotal();
    }

    /** The spool file of answers waiting for the database. */
    public Path spoolFile() {
        return options.dataDir().resolve(SPOOL_FILE);
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
        }
        writer.close(options.closeWait());
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing the store's data source failed: " + e);
            }
        }
    }

    // ---- ConversationArchive

    @Override
    public ConversationPage listConversations(String owner, int limit, int offset, String titleContains) {
        int size = Math.clamp(limit, 1, MAX_PAGE);
        int skip = Math.max(0, offset);
        String pattern = titleContains == null || titleContains.isBlank() ? null : likePattern(titleContains.strip());
        List<ConversationSummary> page = new ArrayList<>();
        boolean more = false;
        // The owner index narrows the rows to one owner's; the title filter and the cost sums run on those
        // only, the sums just for the rows of the page.
        String sql = "SELECT c.id, c.title, c.created_at, c.updated_at,"
                + " (SELECT COALESCE(SUM(m.cost), 0) FROM messages m WHERE m.conversation_id = c.id),"
                + " (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND (m.cost_estimated"
                + " OR (m.cost IS NULL AND m.input_tokens + m.output_tokens + m.cache_creation_input_tokens"
                + " + m.cache_read_input_tokens > 0)))"
                + " FROM conversations c WHERE c.owner = ?"
                + (pattern == null ? "" : " AND LOWER(c.title) LIKE ? ESCAPE '!'")
                + " ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = pattern == null ? Sql.prepare(connection, sql, owner, size + 1, skip)
                     : Sql.prepare(connection, sql, owner, pattern, size + 1, skip);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                if (page.size() == size) {
                    more = true;
                    break;
                }
                page.add(new ConversationSummary(Sql.text(rows, 1), Sql.text(rows, 2),
                        instant(rows, 3), instant(rows, 4), rows.getBigDecimal(5), rows.getLong(6) > 0));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list conversations", e);
        }
        return new ConversationPage(List.copyOf(page), more ? skip + size : null);
    }

    /** "50%_off" as "%50!%!_off%", lower case: a LIKE pattern that finds the text literally, anywhere. */
    static String likePattern(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder pattern = new StringBuilder(lower.length() + 8).append('%');
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (c == '!' || c == '%' || c == '_') {
                pattern.append('!');
            }
            pattern.append(c);
        }
        return pattern.append('%').toString();
    }

    @Override
    public boolean renameConversation(String owner, String conversationId, String title) {
        try (Connection connection = dataSource.getConnection()) {
            return Sql.update(connection, "UPDATE conversations SET title = ? WHERE id = ? AND owner = ?",
                    title, conversationId, owner) > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot rename conversation", e);
        }
    }

    @Override
    public Optional<ConversationDetail> findConversation(String owner, String conversationId, int limit,
                                                         String before) {
        int size = Math.clamp(limit, 1, MAX_MESSAGES_PAGE);
        int beforePosition = cursorPosition(before);
        try (Connection connection = dataSource.getConnection()) {
            // one snapshot for the three reads: an answer saved meanwhile shows in all of them or in none
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return readConversation(connection, owner, conversationId, size, beforePosition);
            } finally {
                connection.rollback(); // read only: nothing to keep
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read conversation", e);
        }
    }

    private Optional<ConversationDetail> readConversation(Connection connection, String owner, String conversationId,
                                                          int size, int beforePosition) throws SQLException {
        try (PreparedStatement query = Sql.prepare(connection, "SELECT id, title, created_at, updated_at"
                     + " FROM conversations WHERE id = ? AND owner = ?", conversationId, owner);
             ResultSet rows = query.executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            List<StoredMessage> newestFirst = messagesBefore(connection, conversationId, beforePosition, size + 1);
            boolean more = newestFirst.size() > size;
            List<StoredMessage> page = new ArrayList<>(newestFirst.subList(0, Math.min(size, newestFirst.size())));
            Collections.reverse(page);
            listFiles(connection, page);
            String nextCursor = more ? Integer.toString(page.getFirst().position()) : null;
            try (PreparedStatement totals = Sql.prepare(connection, "SELECT COALESCE(SUM(cost), 0), COUNT(CASE"
                            + " WHEN cost_estimated OR (cost IS NULL AND input_tokens + output_tokens"
                            + " + cache_creation_input_tokens + cache_read_input_tokens > 0) THEN 1 END),"
                            + " COUNT(CASE WHEN superseded_by IS NULL THEN 1 END)"
                            + " FROM messages WHERE conversation_id = ?", conversationId);
                 ResultSet sums = totals.executeQuery()) {
                sums.next();
                return Optional.of(new ConversationDetail(Sql.text(rows, 1), Sql.text(rows, 2), instant(rows, 3),
                        instant(rows, 4), sums.getBigDecimal(1), sums.getLong(2) > 0, sums.getInt(3),
                        List.copyOf(page), nextCursor));
            }
        }
    }

    /** Puts each question's files (without their bytes) into the page. */
    private static void listFiles(Connection connection, List<StoredMessage> page) throws SQLException {
        List<String> questions = page.stream().filter(m -> m.role().equals("user")).map(StoredMessage::id).toList();
        Map<String, List<AttachmentInfo>> infos = infos(connection, questions);
        page.replaceAll(m -> infos.containsKey(m.id()) ? m.withAttachments(infos.get(m.id())) : m);
    }

    @Override
    public Optional<AttachmentData> findAttachment(String owner, String conversationId, String messageId,
                                                   int position) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = Sql.prepare(connection, "SELECT a.name, a.media_type, a.data"
                     + " FROM message_attachments a JOIN conversations c ON c.id = a.conversation_id"
                     + " WHERE a.message_id = ? AND a.position = ? AND a.conversation_id = ? AND c.owner = ?",
                     messageId, position, conversationId, owner);
             ResultSet rows = query.executeQuery()) {
            return rows.next() ? Optional.of(new AttachmentData(Sql.text(rows, 1), Sql.text(rows, 2),
                    rows.getBytes(3))) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("cannot read a file", e);
        }
    }

    /** A cursor is the position of the oldest message of the page before; null: start at the newest. */
    static int cursorPosition(String cursor) {
        if (cursor == null) {
            return Integer.MAX_VALUE;
        }
        try {
            int position = Integer.parseInt(cursor.strip());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a cursor of this conversation: " + cursor);
    }

    private static List<StoredMessage> messagesBefore(Connection connection, String conversationId, int before,
                                                      int limit) throws SQLException {
        List<StoredMessage> messages = new ArrayList<>();
        try (PreparedStatement query = Sql.prepare(connection, "SELECT * FROM messages WHERE conversation_id = ?"
                + " AND position < ? AND superseded_by IS NULL ORDER BY position DESC LIMIT ?",
                conversationId, before, limit);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                messages.add(MessageRows.read(rows));
            }
        }
        return messages;
    }

    @Override
    public BigDecimal spentSince(String owner, Instant since) {
        String sql = owner == null
                ? "SELECT COALESCE(SUM(cost), 0) FROM messages WHERE created_at >= ? AND cost IS NOT NULL"
                : "SELECT COALESCE(SUM(m.cost), 0) FROM messages m JOIN conversations c ON c.id = m.conversation_id"
                        + " WHERE c.owner = ? AND m.created_at >= ? AND m.cost IS NOT NULL";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = owner == null ? Sql.prepare(connection, sql, time(since))
                     : Sql.prepare(connection, sql, owner, time(since));
             ResultSet rows = query.executeQuery()) {
            rows.next();
            return rows.getBigDecimal(1);
        } catch (SQLException e) {
            throw new StoreException("cannot read what was spent", e);
        }
    }

    @Override
    public boolean deleteConversation(String owner, String conversationId) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Sql.update(connection, "DELETE FROM message_attachments WHERE conversation_id IN"
                        + " (SELECT id FROM conversations WHERE id = ? AND owner = ?)", conversationId, owner);
                Sql.update(connection, "DELETE FROM messages WHERE conversation_id IN"
                        + " (SELECT id FROM conversations WHERE id = ? AND owner = ?)", conversationId, owner);
                int deleted = Sql.update(connection, "DELETE FROM conversations WHERE id = ? AND owner = ?",
                        conversationId, owner);
                connection.commit();
                return deleted > 0;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot delete conversation", e);
        }
    }

    // ---- UsageArchive

    @Override
    public UsageReport usage(Instant now, int days, int topOwners, int topConversations) {
        try (Connection connection = dataSource.getConnection()) {
            // one snapshot for all the sums, as in findConversation: an answer saved meanwhile is in all or none
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return UsageQueries.read(connection, now, days, topOwners, topConversations);
            } finally {
                connection.rollback(); // read only
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read usage", e);
        }
    }

    // ---- helpers

    /** The writer's view of this store. */
    private final class Target implements FinishWriter.Target {
        @Override
        public boolean write(AnswerEnd end) throws SQLException {
            return JdbcConversationStore.this.write(end);
        }

        @Override
        public List<Boolean> writeAll(List<AnswerEnd> ends) throws SQLException {
            return JdbcConversationStore.this.writeAll(ends);
        }

        @Override
        public boolean isReachable() {
            return JdbcConversationStore.this.isReachable();
        }
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rows, int column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /** The column keeps 10 decimal places; round here so both databases store the same value. */
    private static BigDecimal exactCost(BigDecimal cost) {
        return cost == null ? null : cost.setScale(10, java.math.RoundingMode.HALF_EVEN);
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken; the caller reports the first failure
        }
    }
}
