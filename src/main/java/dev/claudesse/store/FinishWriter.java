package dev.claudesse.store;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that writes finished answers, so the stream never waits for the database.
 *
 * <p>An answer is written at once when the database is up; while it is down the writer retries with
 * backoff, then appends the answer to the spool file. While the spool has entries, new answers go to the
 * spool too (the database is taken as down), and the writer tries to apply the spool every
 * spoolRetryInterval. Writing is idempotent, so applying an entry twice does no harm. An answer the
 * database refuses while it is reachable (bad data, e.g. a cost too large for its column) is moved to a
 * rejected file for an operator, so it cannot hold up the others or block the spool forever. A spooled
 * answer whose row is not in the database (its conversation was deleted, or the spool came from another
 * database) is moved to an unmatched file, never counted as applied nor dropped.
 *
 * <p>The thread survives any failure, an Error included: a dead writer would leave every later answer
 * unsaved and make each follow-up question wait for it.
 */
final class FinishWriter {

    /** Where answers are written: the database. */
    interface Target {
        /** Writes the answer; false when its row does not exist (true when it was already written). */
        boolean write(AnswerEnd end) throws SQLException;

        /** Writes the answers in one transaction, all or none; for each, what write() would return. */
        default List<Boolean> writeAll(List<AnswerEnd> ends) throws SQLException {
            List<Boolean> written = new ArrayList<>(ends.size());
            for (AnswerEnd end : ends) {
                written.add(write(end));
            }
            return written;
        }

        boolean isReachable();
    }

    private static final int MAX_REFUSALS = 3;
    /** Most answers written in one transaction. */
    private static final int MAX_BATCH = 64;
    private static final System.Logger LOG = System.getLogger(FinishWriter.class.getName());
    /** Put in the queue by close() to wake the thread at once; never written. */
    private static final AnswerEnd WAKE_UP = new AnswerEnd("", AnswerStatus.STREAMING, null, null, null, null,
            null, false, null, null, null, null, null, null);

    private final Target target;
    private final FinishSpool spool;
    private final FinishSpool rejected;
    private final FinishSpool unmatched;
    private final FinishRetry policy;
    private final BlockingQueue<AnswerEnd> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong spooledTotal = new AtomicLong();
    private final Thread thread;
    private volatile boolean spoolHasEntries;
    private boolean stopped;
    private long nextDrainNanos;

    FinishWriter(Target target, FinishSpool spool, FinishSpool rejected, FinishSpool unmatched,
                 FinishRetry policy) {
        this.target = target;
        this.spool = spool;
        this.rejected = rejected;
        this.unmatched = unmatched;
        this.policy = policy;
        this.spoolHasEntries = !spool.isEmpty();
        this.thread = Thread.ofPlatform().daemon().name("claude-sse-store-writer").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Queues the answer; never blocks on the database. After close() it goes straight to the spool. */
    void submit(AnswerEnd end) {
        synchronized (this) {
            if (!stopped) {
                pending.incrementAndGet();
                queue.add(end);
                return;
            }
        }
        toSpool(end);
    }

    /** Answers queued or spooled and not yet in the database. */
    long pendingCount() {
        return pending.get() + (spoolHasEntries ? 1 : 0);
    }

    /**
     * Waits until every queued answer has been written (or spooled), at most maxWait, so that a
     * follow-up question reads its conversation's latest answer as history. False on timeout.
     */
    boolean awaitQueued(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** How many answers went to the spool file since start (for tests and the health check). */
    long spooledTotal() {
        return spooledTotal.get();
    }

    /** What became of one spooled answer. */
    private enum Applied { WRITTEN, SET_ASIDE, LATER }

    /**
     * Applies the spool, oldest first, reading it one entry at a time, until the database fails; then
     * removes exactly the entries dealt with (answers appended meanwhile stay). True when it is empty
     * afterwards. Used at startup, and by the thread every spoolRetryInterval.
     */
    boolean drainSpool() {
        if (!spoolHasEntries) {
            return true;
        }
        long done = 0;
        int written = 0;
        int setAside = 0;
        try (FinishSpool.Reader reader = spool.read()) {
            for (FinishSpool.Entry entry; ; ) {
                entry = reader.next();
                if (entry == null) {
                    done = reader.offset();
                    break;
                }
                Applied applied = entry.end() == null ? Applied.SET_ASIDE : applySpooled(entry.end());
                if (applied == Applied.LATER) {
                    break;
                }
                if (applied == Applied.WRITTEN) {
                    written++;
                } else if (entry.end() != null) {
                    setAside++;
                }
                done = entry.endOffset();
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot read the spool " + spool.file() + ": " + e);
        }
        try {
            spool.removeFirst(done);
        } catch (IOException e) {
            // Applying is idempotent: the entries are applied again by the next drain.
            LOG.log(Level.ERROR, "cannot remove applied answers from the spool " + spool.file() + ": " + e);
        }
        if (written + setAside > 0) {
            LOG.log(Level.INFO, "applied " + written + " spooled answers to the database"
                    + (setAside > 0 ? ", set aside " + setAside : ""));
        }
        spoolHasEntries = !spool.isEmpty();
        return !spoolHasEntries;
    }

    /** Writes what is queued (one try each, the spool for the rest) and stops, waiting at most maxWait. */
    void close(Duration maxWait) {
        closing.countDown();
        queue.add(WAKE_UP);
        try {
            thread.join(maxWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            stopped = true;
        }
        // Answers the thread did not reach in time are kept in the spool for the next start.
        for (AnswerEnd end; (end = queue.poll()) != null; ) {
            if (end != WAKE_UP) {
                toSpool(end);
                pending.decrementAndGet();
            }
        }
    }

    private void run() {
        List<AnswerEnd> batch = new ArrayList<>(MAX_BATCH);
        while (!(isClosing() && queue.isEmpty())) {
            AnswerEnd end;
            try {
                end = queue.poll(spoolHasEntries ? 50 : 500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (end != null && end != WAKE_UP && !spoolHasEntries && !queue.isEmpty()) {
                // More answers waiting: write them together in one transaction.
                batch.add(end);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeBatch(batch);
                batch.clear();
                continue;
            }
            if (spoolHasEntries && !isClosing() && System.nanoTime() - nextDrainNanos >= 0) {
                try {
                    drainSpool();
                } catch (Throwable e) {
                    LOG.log(Level.ERROR, "store writer: applying the spool failed; trying again later", e);
                } finally {
                    nextDrainNanos = System.nanoTime() + policy.spoolRetryInterval().toNanos();
                }
            }
            if (end != null && end != WAKE_UP) {
                try {
                    handle(end);
                } catch (Throwable e) {
                    LOG.log(Level.ERROR, "store writer: unexpected failure with answer " + end.messageId(), e);
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }

    /**
     * One transaction for the whole batch; when it fails, each answer goes the single way (retries, the
     * spool), so a batch never loses or refuses more than a single write would.
     */
    private void writeBatch(List<AnswerEnd> batch) {
        batch.removeIf(end -> end == WAKE_UP); // close()'s wake-up call, never counted as pending
        try {
            List<Boolean> written = target.writeAll(batch);
            for (int i = 0; i < batch.size(); i++) {
                if (!written.get(i)) {
                    LOG.log(Level.DEBUG, "answer " + batch.get(i).messageId() + " has no row (conversation deleted)");
                }
            }
        } catch (Throwable e) {
            LOG.log(Level.DEBUG, "a group write of " + batch.size() + " answers failed, writing them one by one: " + e);
            for (AnswerEnd end : batch) {
                try {
                    handle(end);
                } catch (Throwable again) {
                    LOG.log(Level.ERROR, "store writer: unexpected failure with answer " + end.messageId(), again);
                }
            }
        } finally {
            pending.addAndGet(-batch.size());
        }
    }

    private void handle(AnswerEnd end) {
        try {
            if (spoolHasEntries || !writeWithRetry(end)) {
                toSpool(end);
            }
        } catch (RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError while writing): the spool keeps the answer for later.
            LOG.log(Level.ERROR, "store writer: cannot write answer " + end.messageId(), e);
            toSpool(end);
        }
    }

    /** True when the answer was written (or refused for good and set aside); false: spool it. */
    private boolean writeWithRetry(AnswerEnd end) {
        long deadline = System.nanoTime() + policy.giveUpAfter().toNanos();
        long delayMillis = policy.initialDelay().toMillis();
        int refusals = 0;
        while (true) {
            try {
                if (!target.write(end)) {
                    LOG.log(Level.DEBUG, "answer " + end.messageId() + " has no row (conversation deleted)");
                }
                return true;
            } catch (SQLException e) {
                // A database that is up but keeps refusing this answer will not change its mind.
                if (!isTransient(e) && target.isReachable() && ++refusals >= MAX_REFUSALS) {
                    return reject(end, e);
                }
                if (isClosing() || System.nanoTime() + delayMillis * 1_000_000 - deadline > 0) {
                    LOG.log(Level.WARNING, "database unavailable, spooling answer " + end.messageId() + ": " + e);
                    return false;
                }
                LOG.log(Level.DEBUG, "database write failed, retrying in " + delayMillis + " ms: " + e);
                if (waitForClosing(delayMillis)) {
                    return false;
                }
                delayMillis = Math.min(delayMillis * 2, policy.maxDelay().toMillis());
            }
        }
    }

    /** Applies one spool entry: written, set aside (refused, or no row for it), or LATER (database down). */
    private Applied applySpooled(AnswerEnd end) {
        try {
            if (target.write(end)) {
                return Applied.WRITTEN;
            }
            LOG.log(Level.WARNING, "spooled answer " + end.messageId() + " matches no row in this database"
                    + " (its conversation was deleted, or the spool is another database's); moving it to "
                    + unmatched.file());
            return setAside(unmatched, end) ? Applied.SET_ASIDE : Applied.LATER;
        } catch (SQLException e) {
            return !isTransient(e) && target.isReachable() && reject(end, e) ? Applied.SET_ASIDE : Applied.LATER;
        }
    }

    /**
     * A failure of the connection or of the server's state, not of this answer, so worth another try even
     * when the database answers a moment later: a lost connection (SQLState class 08), a server starting
     * up or shutting down (57P), out of resources (53), a transaction rolled back by a conflict (40), or
     * what the driver itself calls transient or recoverable.
     */
    static boolean isTransient(SQLException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException e && e.getSQLState() != null) {
                String state = e.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")
                        || state.startsWith("40")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Sets aside an answer the database refuses, for an operator; true when that worked. */
    private boolean reject(AnswerEnd end, SQLException cause) {
        LOG.log(Level.ERROR, "the database refuses answer " + end.messageId() + ", moving it to "
                + rejected.file() + ": " + cause);
        return setAside(rejected, end);
    }

    private static boolean setAside(FinishSpool file, AnswerEnd end) {
        try {
            file.append(end);
            return true;
        } catch (IOException io) {
            LOG.log(Level.ERROR, "cannot write " + file.file() + ": " + io);
            return false;
        }
    }

    private void toSpool(AnswerEnd end) {
        try {
            spool.append(end);
            spoolHasEntries = true;
            spooledTotal.incrementAndGet();
        } catch (IOException e) {
            LOG.log(Level.ERROR, "LOST answer " + end.messageId() + ": neither the database nor the spool "
                    + spool.file() + " can take it: " + e);
        }
    }

    private boolean isClosing() {
        return closing.getCount() == 0;
    }

    private boolean waitForClosing(long millis) {
        try {
            return closing.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
