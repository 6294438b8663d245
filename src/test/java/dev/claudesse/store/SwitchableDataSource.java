package dev.claudesse.store;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/** A DataSource that can be switched off like a database that went down (new connections fail), or made slow. */
final class SwitchableDataSource implements DataSource {

    private final DataSource real;
    private volatile boolean down;
    private volatile Error failure;
    private volatile CountDownLatch gate;
    private final AtomicInteger waiting = new AtomicInteger();

    SwitchableDataSource(DataSource real) {
        this.real = real;
    }

    void setDown(boolean down) {
        this.down = down;
    }

    /** The next getConnection() throws this Error (e.g. an OutOfMemoryError), once. */
    void failOnceWith(Error error) {
        this.failure = error;
    }

    /** A slow database: getConnection() waits until the returned latch is counted down. */
    CountDownLatch holdConnections() {
        CountDownLatch latch = new CountDownLatch(1);
        gate = latch;
        return latch;
    }

    /** How many getConnection() calls are held now. */
    int waiting() {
        return waiting.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (down) {
            throw new SQLException("Connection refused (test outage)", "08001");
        }
        Error error = failure;
        if (error != null) {
            failure = null;
            throw error;
        }
        CountDownLatch latch = gate;
        if (latch != null) {
            waiting.incrementAndGet();
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted", "08001");
            } finally {
                waiting.decrementAndGet();
            }
        }
        return real.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
