package dev.claudesse.store;

import javax.sql.DataSource;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Saves the text of running answers every interval, so that a node that dies (killed, its machine gone)
 * leaves what it had streamed in the store, and a resume elsewhere replays it. Best effort: only the
 * latest text of each answer waits here (so what it holds is bounded by the running answers), one
 * batch per interval writes them all, a failed batch is dropped (the next one carries newer text), and
 * only a row still streaming changes, so a late save never overwrites an answer's real end.
 */
final class ProgressWriter {

    private static final System.Logger LOG = System.getLogger(ProgressWriter.class.getName());

    private record Progress(String text, String thinking) {
    }

    private final DataSource dataSource;
    private final Duration interval;
    private final Map<String, Progress> latest = new ConcurrentHashMap<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread thread;

    ProgressWriter(DataSource dataSource, Duration interval) {
        this.dataSource = dataSource;
        this.interval = interval;
        this.thread = Thread.ofPlatform().daemon().name("claude-sse-store-progress").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Keeps the answer's text to save at the next pass, replacing what was kept for it before. */
    void submit(String messageId, String text, String thinking) {
        if (closing.getCount() > 0) {
            latest.put(messageId, new Progress(text, thinking));
        }
    }

    void close() {
        closing.countDown();
        try {
            if (thread.getState() != Thread.State.NEW) {
                thread.join(Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        latest.clear(); // an answer still running at close is ended, and saved, by the finish writer
    }

    private void run() {
        try {
            while (!closing.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    writePending();
                } catch (Throwable e) {
                    LOG.log(Level.WARNING, "saving running answers' text failed; trying again in " + interval + ": " + e);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Writes and forgets what is pending, in one transaction; returns how many answers were given. */
    int writePending() throws SQLException {
        if (latest.isEmpty()) {
            return 0;
        }
        Map<String, Progress> batch = new HashMap<>(latest.size());
        for (String id : latest.keySet()) {
            Progress progress = latest.remove(id);
            if (progress != null) {
                batch.put(id, progress);
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement("UPDATE messages SET content = ?, thinking = ?"
                    + " WHERE id = ? AND role = 'assistant' AND status = 'streaming'")) {
                for (Map.Entry<String, Progress> entry : batch.entrySet()) {
                    update.setString(1, entry.getValue().text());
                    update.setString(2, entry.getValue().thinking());
                    update.setString(3, entry.getKey());
                    update.addBatch();
                }
                update.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
        return batch.size();
    }
}
