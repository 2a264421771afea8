package org.openvdi.broker.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.datasource.ConnectionHandle;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a piece of work on one pooled connection: every statement and transaction of the calling thread in it (the
 * queries, the commands' units of work, the event store's appends) uses the same connection, taken from the pool at
 * the first statement and given back when the work ends. A session request makes about ten trips to the database in
 * a handful of transactions and single statements; taken from the pool and given back each time, the connection's
 * hand-over between 50 request threads cost more than some of the statements. Transactions inside keep their own
 * boundaries (Spring's transaction manager begins and ends them on the bound connection, as it does with a connection
 * an outer transaction holds), and statements between them run in auto-commit as before.
 * <p>
 * For short work only: the connection is held through every wait inside it.
 */
@Component
public class OneConnection {

    private static final Logger log = LoggerFactory.getLogger(OneConnection.class);

    private final DataSource dataSource;

    OneConnection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The work's answer; when the thread holds a connection already (a transaction), the work just runs in it. */
    public <T> T call(Supplier<T> work) {
        if (TransactionSynchronizationManager.hasResource(dataSource)) {
            return work.get();
        }
        Kept kept = new Kept(dataSource);
        TransactionSynchronizationManager.bindResource(dataSource, new ConnectionHolder(kept));
        try {
            return work.get();
        } finally {
            TransactionSynchronizationManager.unbindResource(dataSource);
            kept.giveBack();
        }
    }

    /** The connection, taken at the first statement and kept when a statement or transaction releases it. */
    private static final class Kept implements ConnectionHandle {

        private final DataSource dataSource;
        private Connection connection;

        Kept(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Connection getConnection() {
            if (connection == null) {
                try {
                    connection = dataSource.getConnection();
                } catch (SQLException e) {
                    throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", e);
                }
            }
            return connection;
        }

        @Override
        public void releaseConnection(Connection con) {
            // kept until the work ends
        }

        /** Back to the pool; a failure to close is not the work's failure (the pool drops a broken connection itself). */
        void giveBack() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    log.warn("Giving a connection back to the pool failed", e);
                }
                connection = null;
            }
        }
    }
}
