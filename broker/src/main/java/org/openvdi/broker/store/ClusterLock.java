package org.openvdi.broker.store;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Runs a task on one broker instance at a time, with a PostgreSQL transaction-level advisory lock:
 * several brokers may share the event store without provisioning the same pool twice.
 */
@Component
public class ClusterLock {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    ClusterLock(DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** Runs the task if no other instance holds the named lock; otherwise skips it this time. */
    public void runExclusively(String name, Runnable task) {
        transactions.executeWithoutResult(status -> {
            Boolean acquired = jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, key(name));
            if (Boolean.TRUE.equals(acquired)) {
                task.run();
            }
        });
    }

    /** Runs the task once no other instance holds the named lock, waiting for it as long as it takes. */
    public void runWhenFree(String name, Runnable task) {
        transactions.executeWithoutResult(status -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(?)::text", String.class, key(name));
            task.run();
        });
    }

    private static long key(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
