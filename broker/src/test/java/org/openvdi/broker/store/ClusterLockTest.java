package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The advisory locks through which brokers sharing one PostgreSQL take turns. Each holder runs on a
 * thread of its own, with its own database connection, as another broker instance would.
 */
@BrokerTest
class ClusterLockTest {

    @Autowired
    ClusterLock lock;

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
