package org.openvdi.broker.error;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * A failure that means PostgreSQL cannot be reached (stopped, restarting, the network to it cut), not that the request
 * was wrong: the pool could not open a connection within its {@code connection-timeout}, a connection broke, or the
 * server refused sessions while it starts or shuts down. Nothing of the request was stored, and the same request may
 * succeed once the database is back: the REST layer answers 503 {@link ErrorCode#DATABASE_UNAVAILABLE} with
 * Retry-After. A pool that timed out only because all its connections were in use is {@link DatabaseBusy} instead.
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    /** Whether the failure, or one of its causes, says the database cannot be reached. */
    public static boolean causes(Throwable failure) {
        if (DatabaseBusy.causes(failure)) {
            // the pool was full and no connection attempt failed: the database answered, the broker was busy
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && unreachable(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQL states of a lost or refused connection: class 08 (connection exception), 57P01 to 57P03 (the server shuts
     * down, crashed, or cannot take connections yet while it starts or recovers).
     */
    static boolean unreachable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.equals("57P01") || sqlState.equals("57P02")
                || sqlState.equals("57P03"));
    }
}
