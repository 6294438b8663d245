package dev.claudesse.store;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures mean "try again later" rather than "this answer is refused" (then set aside). */
class FinishWriterTransientTest {

    @Test
    void aServerStillStartingUpIsTransientEvenThoughItAnswers() {
        // PostgreSQL's FATAL "the database system is starting up" while it restarts
        assertTrue(FinishWriter.isTransient(new SQLException("the database system is starting up", "57P03")));
        assertTrue(FinishWriter.isTransient(new SQLException("terminating connection due to administrator command",
                "57P01")));
    }

    @Test
    void aBrokenConnectionIsTransient() {
        assertTrue(FinishWriter.isTransient(new SQLException("An I/O error occurred", "08006")));
        assertTrue(FinishWriter.isTransient(new SQLTransientConnectionException("pool timed out")));
        assertTrue(FinishWriter.isTransient(new SQLException("wrapped", null,
                new SQLException("Connection refused", "08001"))));
    }

    @Test
    void conflictsAndExhaustionAreTransient() {
        assertTrue(FinishWriter.isTransient(new SQLException("deadlock detected", "40P01")));
        assertTrue(FinishWriter.isTransient(new SQLException("too many connections", "53300")));
    }

    @Test
    void aProblemWithTheAnswerItselfIsNot() {
        assertFalse(FinishWriter.isTransient(new SQLException("value too long", "22001")));
        assertFalse(FinishWriter.isTransient(new SQLIntegrityConstraintViolationException("duplicate key", "23505")));
        assertFalse(FinishWriter.isTransient(new SQLException("no state")));
    }
}
