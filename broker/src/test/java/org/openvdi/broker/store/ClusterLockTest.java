package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The advisory locks through which brokers sharing one PostgreSQL take turns. Each holder runs on a
 * thread of its own, with its own database connection, as another broker instance would.
 */
@BrokerTest
class ClusterLockTest {

    @Autowired
    ClusterLock lock;

    @Autowired
    DataSource dataSource;

    @Test
    void givenLockHeldByAnotherDatabaseSession_whenRunExclusively_thenTheTaskIsSkippedUntilThatSessionUnlocks() throws Exception {
        long key = ClusterLock.key("other-session");
        AtomicBoolean ran = new AtomicBoolean();
        try (Connection otherBroker = dataSource.getConnection()) {
            otherBroker.setAutoCommit(true);
            assertThat(queryBoolean(otherBroker, "SELECT pg_try_advisory_lock(" + key + ")")).isTrue();

            lock.runExclusively("other-session", () -> ran.set(true));
            assertThat(ran).isFalse();

            assertThat(queryBoolean(otherBroker, "SELECT pg_advisory_unlock(" + key + ")")).isTrue();
        }

        lock.runExclusively("other-session", () -> ran.set(true));
        assertThat(ran).isTrue();
    }

    @Test
    void givenTask_whenRunExclusively_thenItRunsOutsideAnyTransactionAndTheLockIsFreeAfterwards() throws Exception {
        AtomicBoolean inTransaction = new AtomicBoolean(true);
        AtomicBoolean heldMeanwhile = new AtomicBoolean();
        long key = ClusterLock.key("no-transaction");

        lock.runExclusively("no-transaction", () -> {
            inTransaction.set(TransactionSynchronizationManager.isActualTransactionActive());
            heldMeanwhile.set(advisoryLockHeld(key));
        });

        assertThat(inTransaction).as("the task's commands commit one by one").isFalse();
        assertThat(heldMeanwhile).isTrue();
        assertThat(advisoryLockHeld(key)).isFalse();
        try (Connection otherBroker = dataSource.getConnection()) {
            assertThat(queryBoolean(otherBroker, "SELECT pg_try_advisory_lock(" + key + ")")).isTrue();
            assertThat(queryBoolean(otherBroker, "SELECT pg_advisory_unlock(" + key + ")")).isTrue();
        }
    }

    @Test
    void givenTheLockConnectionWasKilled_whenRunExclusively_thenANewConnectionTakesTheLock() throws Exception {
        lock.runExclusively("connection-loss", () -> { });
        try (Connection admin = dataSource.getConnection()) {
            // the backend that held this broker's locks: the one whose last query was an advisory lock call
            admin.createStatement().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query LIKE '%pg_advisory_unlock%' AND pid <> pg_backend_pid()");
        }
        AtomicBoolean ran = new AtomicBoolean();

        lock.runExclusively("connection-loss", () -> ran.set(true));

        assertThat(ran).isTrue();
    }

    private boolean advisoryLockHeld(long key) {
        try (Connection c = dataSource.getConnection()) {
            return queryBoolean(c, "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    + " AND ((classid::bigint << 32) | objid::bigint) = " + key);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (ResultSet result = connection.createStatement().executeQuery(sql)) {
            result.next();
            return result.getBoolean(1);
        }
    }

    @Test
    void givenLockHeldElsewhere_whenRunExclusively_thenTheTaskIsSkipped() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> lock.runExclusively("skip-test", () -> {
            held.countDown();
            await(release);
        }));
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean ran = new AtomicBoolean();

        lock.runExclusively("skip-test", () -> ran.set(true));

        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        assertThat(ran).isFalse();
    }

    @Test
    void givenLockHeldElsewhere_whenRunWhenFree_thenTheTaskRunsOnlyAfterTheHolderIsDone() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> lock.runWhenFree("wait-test", () -> {
            held.countDown();
            await(release);
            order.add("holder done");
        }));
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> lock.runWhenFree("wait-test", () -> order.add("waiter ran")));
        Thread.sleep(500); // the waiter is blocked on the lock, not merely late
        assertThat(order).isEmpty();
        release.countDown();

        CompletableFuture.allOf(holder, waiter).get(10, TimeUnit.SECONDS);
        assertThat(order).containsExactly("holder done", "waiter ran");
    }

    @Test
    void givenFreeLock_whenRunWhenFree_thenTheTaskRunsAtOnce() {
        AtomicBoolean ran = new AtomicBoolean();

        lock.runWhenFree("free-test", () -> ran.set(true));

        assertThat(ran).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
