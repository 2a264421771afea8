package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.axonframework.commandhandling.CommandResultMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * Commands to one aggregate queue without holding pool connections: a real command bus whose units of work open a
 * transaction on a real PostgreSQL (the shared embedded one, behind a Hikari pool of four connections) before the
 * handler takes the aggregate's lock, as Axon's repositories do. Fifty commands to one aggregate at once used four
 * connections for as long as their queue lasted, so every other request timed out on the pool; in turns they use one.
 */
class AggregateTurnsTest {

    record Touch(@TargetAggregateIdentifier String aggregate) {
    }

    record Create(String name) {
    }

    HikariDataSource pool;
    SimpleCommandBus bus;
    final Map<String, ReentrantLock> aggregateLocks = new ConcurrentHashMap<>();
    final AtomicInteger mostActive = new AtomicInteger();

    @BeforeEach
    void busWithTransactionsOnASmallPool() {
        pool = new HikariDataSource();
        pool.setDataSource(SharedPostgres.dataSource());
        pool.setMaximumPoolSize(4);
        pool.setConnectionTimeout(2000);
        bus = SimpleCommandBus.builder()
                .transactionManager(new SpringTransactionManager(new DataSourceTransactionManager(pool))).build();
        bus.subscribe(Touch.class.getName(), message -> {
            // the repository's lock, taken inside the unit of work's transaction, held until it ends
            ReentrantLock lock = aggregateLocks.computeIfAbsent(((Touch) message.getPayload()).aggregate(), id -> new ReentrantLock());
            lock.lock();
            try {
                JdbcClient.create(pool).sql("SELECT pg_sleep(0.005)").query().singleRow();
                mostActive.accumulateAndGet(pool.getHikariPoolMXBean().getActiveConnections(), Math::max);
                return "done";
            } finally {
                lock.unlock();
            }
        });
        bus.subscribe(Create.class.getName(), message -> "created");
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void givenFiftyCommandsToOneAggregateAtOnce_whenTheyTakeTurns_thenOneConnectionIsUsedAndTheOthersStayFree() {
        AggregateTurns turns = new AggregateTurns(bus, Duration.ofSeconds(60));
        CommandGateway gateway = DefaultCommandGateway.builder().commandBus(turns).build();
        String aggregate = UUID.randomUUID().toString();

        List<Object> results = Concurrently.run(50, () -> gateway.sendAndWait(new Touch(aggregate)));

        assertThat(results).hasSize(50).containsOnly("done");
        assertThat(mostActive.get()).as("connections in use at once").isEqualTo(1);
        assertThat(turns.aggregatesInUse()).as("turns kept after use").isZero();
    }

    @Test
    void givenDifferentAggregatesAndCreations_whenSentAtOnce_thenTheyDoNotWaitForEachOther() throws Exception {
        AggregateTurns turns = new AggregateTurns(bus, Duration.ofSeconds(60));
        CommandGateway gateway = DefaultCommandGateway.builder().commandBus(turns).build();
        ReentrantLock first = aggregateLocks.computeIfAbsent("busy", id -> new ReentrantLock());
        first.lock();   // the aggregate "busy" is taken by someone else: its command waits in its handler
        CountDownLatch started = new CountDownLatch(1);
        Thread waiting = new Thread(() -> {
            started.countDown();
            gateway.sendAndWait(new Touch("busy"));
        });
        try {
            waiting.start();
            started.await();

            assertThat((Object) gateway.sendAndWait(new Touch("other"), 10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat((Object) gateway.sendAndWait(new Create("x"), 10, TimeUnit.SECONDS)).isEqualTo("created");
        } finally {
            first.unlock();
            waiting.join(10_000);
        }
        assertThat(turns.aggregatesInUse()).isZero();
    }

    /**
     * Inside a claiming transaction the command gives up its turn after a short wait, however long the usual wait: the
     * turn's holder may be waiting for a row that transaction claimed.
     */
    @Test
    void givenATurnHeldAndACommandInsideAClaimingTransaction_whenItWaits_thenItGivesUpAfterTheShortWaitOnly() throws Exception {
        AggregateTurns turns = new AggregateTurns(bus, Duration.ofSeconds(60));
        try (TurnHeld held = holdTurn(turns, "claimed")) {
            CommandResultMessage<?>[] answer = new CommandResultMessage<?>[1];
            long start = System.nanoTime();

            ClaimingTransaction.template(new DataSourceTransactionManager(pool)).executeWithoutResult(status ->
                    turns.dispatch(GenericCommandMessage.asCommandMessage(new Touch("claimed")),
                            (command, result) -> answer[0] = result));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(answer[0].exceptionResult()).isInstanceOf(LockAcquisitionFailedException.class)
                    .hasMessageContaining("within " + ClaimingTransaction.TURN_WAIT.toMillis() + " ms");
        }
        assertThat(turns.aggregatesInUse()).isZero();
    }

    @Test
    void givenATurnNotGivenInTime_whenACommandWaits_thenItFailsAsALostRaceWithoutTouchingTheBus() throws Exception {
        AggregateTurns turns = new AggregateTurns(bus, Duration.ofMillis(100));
        try (TurnHeld held = holdTurn(turns, "slow")) {
            CommandResultMessage<?>[] answer = new CommandResultMessage<?>[1];

            turns.dispatch(GenericCommandMessage.asCommandMessage(new Touch("slow")), (command, result) -> answer[0] = result);

            assertThat(answer[0].isExceptional()).isTrue();
            assertThat(answer[0].exceptionResult()).isInstanceOf(LockAcquisitionFailedException.class);
        }
        assertThat(turns.aggregatesInUse()).isZero();
    }

    /** A command of the aggregate that another thread is handling until closed: it holds the aggregate's turn. */
    private record TurnHeld(Thread holder, CountDownLatch release) implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            holder.join(10_000);
        }
    }

    private TurnHeld holdTurn(AggregateTurns turns, String aggregate) throws InterruptedException {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe("hold", message -> {
            inHandler.countDown();
            release.await(30, TimeUnit.SECONDS);
            return "held";
        });
        Thread holder = new Thread(() -> turns.dispatch(new GenericCommandMessage<>(
                GenericCommandMessage.asCommandMessage(new Touch(aggregate)), "hold")));
        holder.start();
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).as("the holder has the turn").isTrue();
        return new TurnHeld(holder, release);
    }
}
