package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostDrainStartedEvent;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * How fast events are appended, durably, on the broker's own append path: Axon's JDBC storage engine as the broker
 * configures it ({@link EventStoreConfiguration#engine}) behind an embedded event store, each unit of work in one
 * transaction, on a durable embedded PostgreSQL ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes}
 * on) reached through the broker's data source settings ({@link EmbeddedPostgresConfiguration}: Hikari, 16
 * connections, {@code reWriteBatchedInserts}). Two shapes:
 * <ul>
 *   <li>batched: one thread, units of work of {@code -Dbench.append.batch} (1,000) events, as a command that applies
 *   many events or a process that records a batch, {@code -Dbench.append.events} (1,000,000) events in all;</li>
 *   <li>concurrent commands: 16 threads, each unit of work two events of one aggregate (a typical command),
 *   {@code -Dbench.append.commands} (10,000) commands in all: PostgreSQL commits them in groups.</li>
 * </ul>
 * Events are HostCordoned / HostDrainStarted of 1,000 aggregates, about 200 bytes of JSON each. Printed and written
 * to {@code target/bench/event-append.md}. Runs only with {@code -Pbench} ({@code ./vdi bench append}).
 */
class EventAppendBench {

    private static final int AGGREGATES = 1000;
    private static final int THREADS = 16;

    private final int events = Integer.getInteger("bench.append.events", 1_000_000);
    private final int batch = Integer.getInteger("bench.append.batch", 1000);
    private final int commands = Integer.getInteger("bench.append.commands", 10_000);

    @Test
    void appendDurably() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgresConfiguration.durability(EmbeddedPostgres.builder(), true).start();
             HikariDataSource dataSource = new EmbeddedPostgresConfiguration().dataSource(postgres, new StandardEnvironment())) {
            Flyway.configure().dataSource(dataSource).load().migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            assertThat(jdbc.sql("SHOW fsync").query(String.class).single()).isEqualTo("on");
            assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single()).isEqualTo("on");
            SpringTransactionManager transactions = new SpringTransactionManager(new DataSourceTransactionManager(dataSource));
            JacksonSerializer serializer = JacksonSerializer.builder()
                    .objectMapper(JsonMapper.builder().findAndAddModules().build()).build();
            PersistenceExceptionResolver conflicts = new JdbcSQLErrorCodesResolver();
            JdbcEventStorageEngine engine = EventStoreConfiguration.engine(new EventStoreSettings(2000))
                    .connectionProvider(new SpringDataSourceConnectionProvider(dataSource)).transactionManager(transactions)
                    .eventSerializer(serializer).snapshotSerializer(serializer).persistenceExceptionResolver(conflicts)
                    .build();
            EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < AGGREGATES; i++) {
                hosts.add(UUID.randomUUID().toString());
            }
            String loadBefore = load();

            long started = System.nanoTime();
            long sequence = 0;
            for (int appended = 0; appended < events; sequence++) {
                for (int from = 0; from < AGGREGATES && appended < events; from += batch) {
                    List<DomainEventMessage<?>> unit = new ArrayList<>();
                    for (int i = from; i < Math.min(AGGREGATES, from + batch) && appended < events; i++, appended++) {
                        unit.add(event(hosts.get(i), sequence));
                    }
                    inUnitOfWork(transactions, () -> store.publish(unit));
                }
            }
            double batchedSeconds = (System.nanoTime() - started) / 1e9;
            String loadBatched = load();

            long firstSequence = sequence;
            AtomicLong next = new AtomicLong();
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            started = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(threads.submit(() -> {
                    for (long n = next.getAndIncrement(); n < commands; n = next.getAndIncrement()) {
                        // each thread its own aggregates: no two commands race for one aggregate's sequence numbers
                        String host = hosts.get((int) (n % AGGREGATES));
                        long seq = firstSequence + 2 * (n / AGGREGATES);
                        inUnitOfWork(transactions, () -> store.publish(event(host, seq), event(host, seq + 1)));
                    }
                    return null;
                }));
            }
            for (Future<?> thread : running) {
                thread.get();
            }
            threads.shutdown();
            double concurrentSeconds = (System.nanoTime() - started) / 1e9;
            long stored = jdbc.sql("SELECT count(*) FROM domainevententry").query(Long.class).single();
            assertThat(stored).isEqualTo(events + 2L * commands);

            String report = String.format(Locale.ROOT, """
                    # Event append, durable

                    - durable embedded PostgreSQL (fsync, synchronous_commit, full_page_writes on); the broker's data source
                      (Hikari, 16 connections, reWriteBatchedInserts) and storage engine (Axon's JDBC engine as configured)
                    - events: HostCordoned / HostDrainStarted of 1,000 aggregates, about 200 bytes of JSON each
                    - machine: %s, %d logical CPUs

                    | shape | events | units of work | seconds | events/s | load average before, after |
                    |---|---:|---:|---:|---:|---|
                    | batched: one thread, %,d events per unit of work | %,d | %,d | %.1f | **%,.0f** | %s; %s |
                    | concurrent commands: %d threads, 2 events per unit of work | %,d | %,d | %.1f | **%,.0f** (%,.0f commands/s) | %s; %s |
                    """, cpu(), Runtime.getRuntime().availableProcessors(), batch, events, (events + batch - 1) / batch,
                    batchedSeconds, events / batchedSeconds, loadBefore, loadBatched, THREADS, 2L * commands, commands,
                    concurrentSeconds, 2 * commands / concurrentSeconds, commands / concurrentSeconds, loadBatched, load());
            System.out.println(report);
            Path out = Path.of("target/bench/event-append.md").toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
        }
    }

    private static DomainEventMessage<?> event(String host, long sequence) {
        UUID id = UUID.fromString(host);
        Object payload = sequence % 2 == 0 ? new HostCordonedEvent(id, "kernel update, round " + sequence, "admin")
                : new HostDrainStartedEvent(id, "kernel update, round " + sequence, "admin");
        return new GenericDomainEventMessage<>("Host", host, sequence, payload, MetaData.with("user", "admin"));
    }

    /** As a command runs: a unit of work with a transaction, whose events the store appends when it commits. */
    private static void inUnitOfWork(SpringTransactionManager transactions, Runnable work) {
        UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        unitOfWork.attachTransaction(transactions);
        unitOfWork.execute(work);
    }

    private static String load() throws IOException {
        return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    }

    private static String cpu() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .findFirst().map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse("unknown CPU");
    }
}
