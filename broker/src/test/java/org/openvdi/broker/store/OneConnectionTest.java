package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.DatabaseBusy;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One pooled connection for a piece of work, on the real PostgreSQL: the work's single statements and transactions
 * all run on it (one backend), each transaction still commits or rolls back on its own, and the connection goes back
 * to the pool when the work ends, also when it fails; work that never reaches the database takes none.
 */
class OneConnectionTest {

    private HikariDataSource pool;
    private JdbcClient jdbc;
    private TransactionTemplate transactions;
    private OneConnection oneConnection;

    @BeforeEach
    void pool() {
        HikariConfig config = new HikariConfig();
        config.setDataSource(SharedPostgres.dataSource());
        config.setPoolName("one-connection-test");
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(250);
        pool = new HikariDataSource(config);
        jdbc = JdbcClient.create(pool);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
        oneConnection = new OneConnection(pool);
        jdbc.sql("CREATE TABLE IF NOT EXISTS one_connection_probe (n int)").update();
        jdbc.sql("DELETE FROM one_connection_probe").update();
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private int backend() {
        return jdbc.sql("SELECT pg_backend_pid()").query(Integer.class).single();
    }

    private int borrowed() {
        return pool.getHikariPoolMXBean().getActiveConnections();
    }

    @Test
    void givenStatementsAndTransactions_whenRunOnOneConnection_thenOneBackendServesThemAllAndEachTransactionKeepsItsBounds() {
        List<Integer> backends = new ArrayList<>();
        List<Integer> borrowedMeanwhile = new ArrayList<>();

        oneConnection.call(() -> {
            backends.add(backend());
            transactions.executeWithoutResult(status -> {
                backends.add(backend());
                jdbc.sql("INSERT INTO one_connection_probe VALUES (1)").update();
            });
            transactions.executeWithoutResult(status -> {
                jdbc.sql("INSERT INTO one_connection_probe VALUES (2)").update();
                status.setRollbackOnly();
            });
            jdbc.sql("INSERT INTO one_connection_probe VALUES (3)").update();
            backends.add(backend());
            borrowedMeanwhile.add(borrowed());
            return null;
        });

        assertThat(backends).hasSize(3).containsOnly(backends.get(0));
        assertThat(borrowedMeanwhile).containsExactly(1);
        assertThat(borrowed()).isZero();
        // seen from another connection: the first transaction and the single statement committed, the second did not
        assertThat(jdbc.sql("SELECT n FROM one_connection_probe ORDER BY n").query(Integer.class).list()).containsExactly(1, 3);
    }

    @Test
    void givenWorkThatFails_whenRunOnOneConnection_thenItsFailureReachesTheCallerAndTheConnectionIsBack() {
        assertThatThrownBy(() -> oneConnection.call(() -> {
            jdbc.sql("INSERT INTO one_connection_probe VALUES (1)").update();
            return transactions.execute(status -> {
                jdbc.sql("INSERT INTO one_connection_probe VALUES (2)").update();
                throw new IllegalStateException("refused");
            });
        })).isInstanceOf(IllegalStateException.class).hasMessage("refused");

        assertThat(borrowed()).isZero();
        assertThat(jdbc.sql("SELECT n FROM one_connection_probe").query(Integer.class).list()).containsExactly(1);
        assertThat(oneConnection.call(this::backend)).isPositive();
    }

    @Test
    void givenWorkWithoutStatements_whenRunOnOneConnection_thenNoConnectionIsTaken() {
        assertThat(oneConnection.call(this::borrowed)).isZero();
    }

    @Test
    void givenATransactionAround_whenRunOnOneConnection_thenTheWorkRunsInThatTransaction() {
        transactions.executeWithoutResult(status -> {
            int outer = backend();
            assertThat(oneConnection.call(this::backend)).isEqualTo(outer);
            oneConnection.call(() -> jdbc.sql("INSERT INTO one_connection_probe VALUES (1)").update());
            status.setRollbackOnly();
        });

        assertThat(jdbc.sql("SELECT count(*) FROM one_connection_probe").query(Integer.class).single()).isZero();
    }

    @Test
    void givenEveryConnectionTaken_whenRunOnOneConnection_thenTheFailureSaysTheBrokerIsBusy() throws Exception {
        CountDownLatch holding = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(1);
        List<Thread> holders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread holder = new Thread(() -> oneConnection.call(() -> {
                backend();
                holding.countDown();
                try {
                    return done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            holder.start();
            holders.add(holder);
        }
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();

        try {
            assertThatThrownBy(() -> oneConnection.call(this::backend)).satisfies(e -> assertThat(DatabaseBusy.causes(e)).isTrue());
        } finally {
            done.countDown();
            for (Thread holder : holders) {
                holder.join(30_000);
            }
        }
        assertThat(borrowed()).isZero();
    }
}
