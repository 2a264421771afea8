package org.openvdi.broker.error;

import java.sql.SQLTransientConnectionException;

/**
 * A failure that means every connection of the broker's pool was in use for the pool's whole
 * {@code connection-timeout} while PostgreSQL itself answered: the broker is busy, the database is not away. Hikari
 * reports both as "Connection is not available, request timed out after ..." ({@link SQLTransientConnectionException});
 * when the pool could not open a connection, that exception carries the last connection failure as its cause (and
 * that failure's SQL state, class 08 for a refused or broken connection), and {@link DatabaseUnavailable} applies.
 * Without such a cause, no attempt to connect failed: the pool was full. Nothing of the request was stored; the REST
 * layer answers 503 {@link ErrorCode#SERVICE_BUSY} with a short Retry-After.
 */
public final class DatabaseBusy {

    private DatabaseBusy() {
    }

    /** Whether the failure, or one of its causes, is the pool timing out with no failed connection behind it. */
    public static boolean causes(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (poolTimedOut(t)) {
                return true;
            }
        }
        return false;
    }

    /** The pool's own timeout, with neither a cause nor an SQL state: every connection was checked out. */
    static boolean poolTimedOut(Throwable t) {
        return t instanceof SQLTransientConnectionException timeout && timeout.getCause() == null
                && timeout.getSQLState() == null && timeout.getNextException() == null;
    }
}
