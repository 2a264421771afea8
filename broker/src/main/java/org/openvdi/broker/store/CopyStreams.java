package org.openvdi.broker.store;

import java.sql.SQLException;
import org.postgresql.copy.CopyOut;

/** Ends binary {@code COPY ... TO STDOUT} streams on pooled connections. */
public final class CopyStreams {

    private CopyStreams() {
    }

    /**
     * Reads and drops what is left of {@code copy}, so that its connection goes back to the pool with the COPY
     * finished. Never {@link CopyOut#cancelCopy()} on a pooled connection: the driver cancels a COPY out through a
     * cancel request on a connection of its own, which the server applies to whatever the backend runs when it
     * arrives; a late one broke the statements of the connection's next user.
     */
    public static void drain(CopyOut copy) throws SQLException {
        while (copy.isActive() && copy.readFromCopy() != null) {
            // dropped
        }
    }
}
