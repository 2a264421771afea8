package org.openvdi.broker.demand;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopRecomposedEvent;
import org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.store.ShadowTables;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.TestPropertySource;

/**
 * The demand writer's batches against the writer as it was before them, which wrote every event row by row
 * ({@link RowByRowDemandWriter}): the same events, written into tables of their own on the broker's PostgreSQL, in
 * one batch, in batches of a few events and one event at a time, leave the same rows as the row-by-row writer, and the
 * batches take a handful of statements however many events they hold.
 */
@BrokerTest
@TestPropertySource(properties = "openvdi.test.scenario=demand")
class DemandBatchTest {

    static final Instant T0 = Instant.parse("2025-03-03T08:00:00.123456789Z");
    static final List<DemandTables> TABLES = List.of(new DemandTables("_rowbyrow"), new DemandTables("_onebatch"),
            new DemandTables("_smallbatches"), new DemandTables("_oneeach"));

    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    @AfterEach
    void dropTables() {
        TABLES.forEach(tables -> tables.all().forEach(table -> jdbc.sql("DROP TABLE IF EXISTS " + table).update()));
    }

    @Test
    void givenAMixedHistory_whenWrittenInBatchesOfAnySize_thenTheRowsAreThoseOfTheRowByRowWriter() {
        List<DomainEventMessage<?>> events = history();
        TABLES.forEach(tables -> {
            for (int i = 0; i < tables.all().size(); i++) {
                ShadowTables.create(jdbc, DemandTables.LIVE.all().get(i), tables.all().get(i));
            }
        });

        RowByRowDemandWriter reference = new RowByRowDemandWriter(jdbc, TABLES.get(0));
        events.forEach(reference::write);
        new DemandWriter(jdbc, TABLES.get(1)).write(events);
        DemandWriter small = new DemandWriter(jdbc, TABLES.get(2));
        for (int from = 0; from < events.size(); from += 7) {
            small.write(events.subList(from, Math.min(events.size(), from + 7)));
        }
        DemandWriter single = new DemandWriter(jdbc, TABLES.get(3));
        events.forEach(single::write);

        for (DemandTables batched : TABLES.subList(1, TABLES.size())) {
            for (int i = 0; i < batched.all().size(); i++) {
                ShadowTables.TableComparison comparison = ShadowTables.compare(jdbc, TABLES.get(0).all().get(i),
                        batched.all().get(i), 20);
                assertThat(comparison.liveRows()).as(comparison.table()).isPositive();
                assertThat(comparison.identical()).as(batched.all().get(i) + " " + comparison.onlyLiveRows() + " "
                        + comparison.onlyRebuiltRows()).isTrue();
            }
        }
    }

    @Test
    void givenABatchOfManySessionRequests_whenWritten_thenItTakesAHandfulOfStatements() {
        DemandTables tables = TABLES.get(1);
        for (int i = 0; i < tables.all().size(); i++) {
            ShadowTables.create(jdbc, DemandTables.LIVE.all().get(i), tables.all().get(i));
        }
        DemandEvents history = new DemandEvents(null);
        for (int i = 0; i < 50; i++) {
            UUID spare = history.provision(T0.minusSeconds(600 - i), T0.minusSeconds(300 - i));
            UUID session = history.request("user" + i, T0.plusMillis(10L * i));
            history.assign(session, spare, "user" + i, T0.plusMillis(10L * i + 3));
        }
        List<DomainEventMessage<?>> storm = history.pending().stream().filter(e -> e.getTimestamp().isAfter(T0.minusSeconds(1)))
                .toList();
        new DemandWriter(jdbc, tables).write(history.pending().stream()
                .filter(e -> !e.getTimestamp().isAfter(T0.minusSeconds(1))).toList());
        AtomicInteger statements = new AtomicInteger();

        new DemandWriter(JdbcClient.create(counting(dataSource, statements)), tables).write(storm);

        // 150 events of 50 requests: two reads (requests, desktops), the new requests, the desktops' changes, the buckets
        assertThat(storm).hasSize(150);
        assertThat(statements.get()).isEqualTo(5);
        assertThat(jdbc.sql("SELECT count(*) FROM " + tables.request() + " WHERE warm").query(Long.class).single())
                .isEqualTo(50);
        assertThat(jdbc.sql("SELECT sum(requests) FROM " + tables.bucket()).query(Long.class).single()).isEqualTo(50);
        assertThat(jdbc.sql("SELECT sum(warm_hits) FROM " + tables.bucket()).query(Long.class).single()).isEqualTo(50);
        // each spare waited from 07:55 into 08:00's bucket: two buckets each
        assertThat(jdbc.sql("SELECT sum(spares) FROM " + tables.bucket()).query(Long.class).single()).isEqualTo(100);
    }

    /** The data source, counting the statements prepared on its connections. */
    private static DataSource counting(DataSource target, AtomicInteger statements) {
        return new DelegatingDataSource(target) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = super.getConnection();
                return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                        (proxy, method, args) -> {
                            if (method.getName().startsWith("prepare") || method.getName().equals("createStatement")) {
                                statements.incrementAndGet();
                            }
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }

    /** Every kind of event the writer reads, at times with nanoseconds, across bucket boundaries, with repeats. */
    private static List<DomainEventMessage<?>> history() {
        DemandEvents history = new DemandEvents(null);
        UUID spare = history.provision(T0.minusSeconds(600), T0.minusNanos(480_000_000_500L));
        UUID warm = history.request("alice", T0.plusNanos(60_000_000_500L));
        history.assign(warm, spare, "alice", T0.plusNanos(62_000_001_499L));
        UUID cold = history.request("bob", T0.plusSeconds(120));
        history.event("Session", cold, new SessionRequestedEvent(cold, history.poolId, "bob"), T0.plusSeconds(121));
        UUID fresh = history.provision(T0.plusSeconds(120), T0.plusSeconds(300));
        history.assign(cold, fresh, "bob", T0.plusSeconds(301));
        UUID failed = history.request("carol", T0.plusSeconds(600));
        history.fail(failed, T0.plusSeconds(900));
        history.fail(failed, T0.plusSeconds(901));
        history.end(warm, spare, "alice", T0.plusSeconds(1800));
        history.end(cold, fresh, "bob", T0.plusSeconds(3600));
        history.end(cold, fresh, "bob", T0.plusSeconds(3601));
        // the spare comes back, is recomposed, becomes ready again, powers off and on, and is claimed by its user
        history.event("Desktop", spare, new DesktopBecameReadyEvent(spare, "127.0.0.1", 5900, 1000), T0.plusSeconds(1900));
        history.event("Desktop", spare, new DesktopRecompositionStartedEvent(spare, 1, 2, UUID.randomUUID()),
                T0.plusNanos(2_000_000_000_777L));
        history.event("Desktop", spare, new DesktopRecomposedEvent(spare, 2), T0.plusSeconds(2100));
        history.event("Desktop", spare, new DesktopBecameReadyEvent(spare, "127.0.0.1", 5900, 1000), T0.plusSeconds(2200));
        history.event("Desktop", spare, new DesktopPoweredOffEvent(spare, "idle", "system"), T0.plusSeconds(2500));
        history.event("Desktop", spare, new DesktopPowerOnRequestedEvent(spare, "dave"), T0.plusSeconds(2600));
        history.event("Desktop", spare, new DesktopBecameReadyEvent(spare, "127.0.0.1", 5900, 1000), T0.plusSeconds(2700));
        UUID owned = history.request("dave", T0.plusSeconds(2800));
        history.event("Desktop", spare, new DesktopAssignedEvent(spare, owned, "dave", true), T0.plusSeconds(2801));
        history.event("Session", owned, new org.openvdi.broker.session.api.DesktopAssignedToSessionEvent(owned, spare, "dave"),
                T0.plusSeconds(2801));
        history.event("Desktop", spare, new DesktopBecameReadyEvent(spare, "127.0.0.1", 5900, 1000), T0.plusSeconds(2900));
        history.destroy(fresh, T0.plusSeconds(4000));
        // a busy day: many sessions over many buckets, with desktops reused and destroyed
        Instant t = T0.plus(Duration.ofDays(1));
        UUID previous = history.provision(t.minusSeconds(300), t.minusSeconds(200));
        for (int i = 0; i < 120; i++) {
            Instant at = t.plusNanos(97_000_000_001L * i);
            UUID session = history.request(i % 2 == 0 ? "alice" : "bob", at);
            UUID desktop = i % 3 == 0 ? history.provision(at, at.plusSeconds(40 + i % 50)) : previous;
            Instant ready = i % 3 == 0 ? at.plusSeconds(41 + i % 50) : at.plusSeconds(1);
            history.assign(session, desktop, "alice", ready);
            if (i % 11 == 5) {
                history.fail(session, ready.plusSeconds(30));
            } else {
                history.end(session, desktop, "alice", ready.plusSeconds(600 + 31L * (i % 40)));
            }
            history.destroy(desktop, ready.plusSeconds(601 + 31L * (i % 40)));
            previous = history.provision(ready.plusSeconds(2), ready.plusSeconds(70));
        }
        List<DomainEventMessage<?>> events = new ArrayList<>(history.pending());
        assertThat(events).extracting(EventMessage::getPayloadType).hasSizeGreaterThan(500);
        return events;
    }
}
