package org.openvdi.broker.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a task on one broker instance at a time: several brokers share the event store, and each periodic tick
 * (capacity, allocation, drain, reconciliation, sealing...) and each desktop's hypervisor work must happen once, not
 * once per broker.
 *
 * <p>The lock is a PostgreSQL session-level advisory lock ({@code pg_try_advisory_lock}) held on one connection of
 * this broker's own, kept for all its locks, so a hundred desktops being provisioned hold one connection, not a
 * hundred. Inside the broker, a held key is also marked in memory, since a session's advisory locks are reentrant and
 * two threads of one broker must exclude each other too. The task runs outside any transaction of the lock: the
 * commands it sends commit one by one, as they would without the lock, so a long tick never keeps an aggregate's
 * events uncommitted while users' commands to the same aggregate wait.
 *
 * <p>When the caller is inside a transaction already, the lock is held until that transaction completes (the task's
 * writes join it), so another broker never takes the lock before it could see those writes.
 *
 * <p>Connection loss: PostgreSQL drops a session's advisory locks with the session. When the lock connection breaks
 * the next lock opens a new one; a task still running under a lock of the old one may then overlap with another
 * broker's run of the same work. Every task's side effects are idempotent and keyed by our ids, and its commands are
 * decided by the aggregates, so an overlap costs a repeat, never a wrong state.
 */
@Component
public class ClusterLock {

    private static final Logger log = LoggerFactory.getLogger(ClusterLock.class);
    private static final long FIRST_PAUSE_MILLIS = 20;
    private static final long LONGEST_PAUSE_MILLIS = 500;

    private final DataSource dataSource;
    /** Keys this broker holds, with the generation of the connection that holds them. */
    private final Map<Long, Long> held = new HashMap<>();
    private Connection connection;
    private long generation;

    ClusterLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs the task if no other instance holds the named lock; otherwise skips it this time. */
    public void runExclusively(String name, Runnable task) {
        long key = key(name);
        Long heldBy = tryLock(key);
        if (heldBy != null) {
            runLocked(key, heldBy, task);
        }
    }

    /** Runs the task once no other instance holds the named lock, waiting for it as long as it takes. */
    public void runWhenFree(String name, Runnable task) {
        long key = key(name);
        long pause = FIRST_PAUSE_MILLIS;
        Long heldBy;
        while ((heldBy = tryLock(key)) == null) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataAccessResourceFailureException("Interrupted while waiting for cluster lock " + name, e);
            }
            pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
        }
        runLocked(key, heldBy, task);
    }

    /** The advisory lock key of a name, as {@code pg_locks.objid} shows it (for tests and operators). */
    public static long key(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private void runLocked(long key, long heldBy, Runnable task) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // the caller's transaction decides when the task's writes become visible: unlock after it completes
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    unlock(key, heldBy);
                }
            });
            task.run();
            return;
        }
        try {
            task.run();
        } finally {
            unlock(key, heldBy);
        }
    }

    /** Answers the generation of the connection that now holds the key, or null when someone else holds it. */
    private synchronized Long tryLock(long key) {
        if (held.containsKey(key)) {
            return null;
        }
        try {
            boolean locked = query(lockConnection(), "SELECT pg_try_advisory_lock(?)", key);
            if (locked) {
                held.put(key, generation);
                return generation;
            }
            return null;
        } catch (SQLException e) {
            dropConnection();
            throw new DataAccessResourceFailureException("Taking cluster lock " + key + " failed", e);
        }
    }

    private synchronized void unlock(long key, long heldBy) {
        held.remove(key);
        if (connection == null || heldBy != generation) {
            return; // that connection is gone, and its locks with it
        }
        try {
            if (!query(connection, "SELECT pg_advisory_unlock(?)", key)) {
                log.warn("Cluster lock {} was not held any more when released", key);
            }
        } catch (SQLException e) {
            log.warn("Releasing cluster lock {} failed; dropping its connection, which releases it: {}", key, e.toString());
            dropConnection();
        }
    }

    private Connection lockConnection() throws SQLException {
        if (connection != null && !connection.isValid(2)) {
            log.warn("The cluster lock connection broke; the locks it held are released, opening a new one");
            dropConnection();
        }
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            generation++;
        }
        return connection;
    }

    private void dropConnection() {
        if (connection == null) {
            return;
        }
        // evicted, not given back: a pool must not hand out a session that may still hold locks
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
            } else {
                connection.abort(Runnable::run);
                connection.close();
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("Dropping the cluster lock connection failed: {}", e.toString());
        }
        connection = null;
    }

    private static boolean query(Connection connection, String sql, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, key);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        held.clear();
        dropConnection();
    }
}
