package org.openvdi.broker.error;

import java.sql.SQLException;

/** PostgreSQL's SQL states, as the failures that reach the broker carry them somewhere among their causes. */
public final class SqlStates {

    private SqlStates() {
    }

    /** Whether the failure, or one of its causes, is an {@link SQLException} with this SQL state. */
    public static boolean causes(Throwable failure, String sqlState) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
