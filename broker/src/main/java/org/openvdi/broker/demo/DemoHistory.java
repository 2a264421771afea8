package org.openvdi.broker.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.demand.DemandQueries;
import org.openvdi.broker.demand.RecordedRequest;
import org.openvdi.broker.forecast.Forecasts;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.CordonHostCommand;
import org.openvdi.broker.host.api.RegisterHostCommand;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.spare.SparePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the demo history into the demo's own store (README.md, "A history to try it on"): an office pool of
 * test-driver hosts with weeks of sessions ({@link OfficeHistoryGenerator}) through the real commands with the
 * history's time ({@link HistoryWriter}), then, once the running broker's demand history has taken it in, the pool's
 * forecast. While it writes it holds the cluster locks of the capacity and reconcile processes, so a broker beside it
 * neither tops up nor reconciles anything meanwhile. What it leaves is finished: every session ended, every desktop
 * destroyed, the hosts cordoned (no new desktop of any pool goes there) and the pool's policy PREDICTIVE in
 * forecast-only mode with no minimum, so a broker shows what it would do and does nothing.
 */
@Component
public class DemoHistory {

    private static final Logger log = LoggerFactory.getLogger(DemoHistory.class);
    static final String POOL = "Office history";
    static final String GROUP = "office";
    static final String HOST_URI = "test:///default";
    static final int HOSTS = 2;
    /** The locks {@code store.ClusterLock} takes for these processes; a session-level lock here keeps them out. */
    static final List<String> HELD_LOCKS = List.of("capacity", "reconcile");
    /**
     * Commands per unit of work ({@link CommandBatch}), and how long one stays open at most: a day of the default
     * history (some 3,500 commands) in one, so its aggregates are loaded once and its read-model rows written in a few
     * batches; well inside Axon's 60 s limit on a unit of work, should its time limits be switched on.
     */
    static final int BATCH_COMMANDS = 20_000;
    static final Duration BATCH_OPEN = Duration.ofSeconds(30);

    /** What was written, and how long it took. */
    public record Report(UUID poolId, LocalDate firstDay, LocalDate end, LocalDate holiday, int sessions, int warmHits,
                         int coldStarts, int provisionings, int commands, long events, int chunks, long writeMillis,
                         long cpuMillis, long catchUpMillis, boolean forecast) {
    }

    private final AuditedCommands commands;
    private final PlatformTransactionManager transactionManager;
    private final DataSource dataSource;
    private final DemoStoreCheck check;
    private final PoolQueries pools;
    private final DemandQueries demand;
    private final Forecasts forecasts;
    private final EventStorageEngine storage;

    DemoHistory(AuditedCommands commands, PlatformTransactionManager transactionManager, DataSource dataSource,
                JdbcClient jdbc, EventStorageEngine storage, HostQueries hosts, PoolQueries pools, DemandQueries demand,
                Forecasts forecasts) {
        this.commands = commands;
        this.storage = storage;
        this.transactionManager = transactionManager;
        this.dataSource = dataSource;
        this.check = new DemoStoreCheck(jdbc, hosts, pools);
        this.pools = pools;
        this.demand = demand;
        this.forecasts = forecasts;
    }

    /** The first Monday of the history's middle week: the public holiday. */
    static LocalDate holiday(LocalDate firstDay, int weeks) {
        return firstDay.plusWeeks(weeks / 2).with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
    }

    /**
     * Writes the history unless the store is not the demo's or holds it already ({@link DemoHistoryRefusedException});
     * {@code now} is the real time the forecast is made for.
     */
    public Report write(DemoHistoryProperties settings, Supplier<Instant> now) {
        check.requireDemoStore(settings.dataDirectory() == null ? null : Path.of(settings.dataDirectory()));
        HistoryIds ids = new HistoryIds(settings.seed());
        if (pools.find(ids.pool()).isPresent() || pools.nameTaken(POOL, null)) {
            throw new DemoHistoryRefusedException("The demo history is in this store already (pool '" + POOL + "')");
        }
        PoolView demo = pools.all().stream().filter(p -> p.name().startsWith(DemoSetup.POOL)).findFirst().orElseThrow();
        LocalDate end = settings.end() != null ? settings.end() : LocalDate.now(ZoneOffset.UTC);
        LocalDate firstDay = end.minusWeeks(settings.weeks());
        LocalDate holiday = holiday(firstDay, settings.weeks());
        Instant start = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant stop = end.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<PlannedSession> sessions = OfficeHistoryGenerator.sessions(settings.employees(), firstDay,
                settings.weeks() * 7, holiday, ZoneOffset.UTC, settings.seed());

        TrackingToken before = storage.createHeadToken();
        HistoryClock clock = new HistoryClock(GenericEventMessage.clock);
        long started = System.nanoTime();
        long cpuStarted = processCpuNanos();
        HistoryWriter.Written written;
        try (Connection locks = dataSource.getConnection()) {
            hold(locks);
            GenericEventMessage.clock = clock;
            TransactionTemplate transactions = new TransactionTemplate(transactionManager);
            List<UUID> hosts = new ArrayList<>();
            for (int i = 0; i < HOSTS; i++) {
                hosts.add(ids.host(i));
            }
            transactions.executeWithoutResult(status -> {
                clock.set(start.minus(Duration.ofHours(1)));
                for (int i = 0; i < HOSTS; i++) {
                    commands.system(new RegisterHostCommand(hosts.get(i), "office-history-" + (i + 1), HOST_URI,
                            VirtType.QEMU, settings.maxSize(), "default", "127.0.0.1"));
                }
                // cordoned as of the history's end: during the history they took its desktops, as placement would
                // have seen them (a backtest limits a pool by its hosts' room at the time); the running broker's
                // processes that place desktops are held by the locks meanwhile
                clock.set(stop);
                for (int i = 0; i < HOSTS; i++) {
                    commands.system(new CordonHostCommand(hosts.get(i), "demo history host: takes no new desktops"));
                }
                clock.set(start.minus(Duration.ofHours(1)));
                commands.system(new CreatePoolCommand(ids.pool(), POOL, demo.templateId(), demo.templateVersion(),
                        PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, settings.spares(), settings.maxSize(), Set.of(),
                        Set.of(GROUP), false, new SparePolicy.Static(settings.spares())));
                clock.set(null);
            });
            CommandBatch batch = new CommandBatch(commands, BATCH_COMMANDS, BATCH_OPEN);
            HistoryWriter writer = new HistoryWriter(batch, transactions, clock, ids, new HistoryWriter.Target(
                    ids.pool(), hosts, demo.templateId(), demo.templateVersion(), settings.spares(), settings.maxSize()));
            written = writer.write(sessions, start, stop, Duration.ofDays(1));
            transactions.executeWithoutResult(status -> {
                clock.set(stop);
                commands.system(new ChangePoolCommand(ids.pool(), null, null, null, null, null, null, null,
                        new SparePolicy.Predictive(0.2, 0, 20, true), null));
                clock.set(null);
            });
            release(locks);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot hold the process locks while writing the demo history", e);
        } finally {
            GenericEventMessage.clock = clock.fallback();
        }
        long writeMillis = (System.nanoTime() - started) / 1_000_000;
        long cpuMillis = (processCpuNanos() - cpuStarted) / 1_000_000;
        long events = eventsSince(before);
        log.info("Demo history: {} sessions, {} commands, {} events in {} ms ({} events/s), {} ms of this JVM's CPU time",
                written.sessions(), written.commands(), events, writeMillis, writeMillis == 0 ? 0 : events * 1000 / writeMillis,
                cpuMillis);

        long catchUp = System.nanoTime();
        boolean caughtUp = awaitDemand(ids.pool(), start, stop, written.sessions(), Duration.ofSeconds(settings.catchUpSeconds()));
        long catchUpMillis = (System.nanoTime() - catchUp) / 1_000_000;
        boolean forecast = caughtUp && forecasts.refresh(ids.pool(), now.get());
        return new Report(ids.pool(), firstDay, end, holiday, written.sessions(), written.warmHits(), written.coldStarts(),
                written.provisionings(), written.commands(), events, written.chunks(), writeMillis, cpuMillis, catchUpMillis,
                forecast);
    }

    /** This JVM's CPU time (all its threads: the writer's, the read models', the collector's); -1 if unknown. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** Events in the store after {@code from}: the history's, and any the broker beside it wrote meanwhile. */
    private long eventsSince(TrackingToken from) {
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(from, false)) {
            return events.count();
        }
    }

    private static void hold(Connection connection) throws SQLException {
        for (String name : HELD_LOCKS) {
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
                lock.setLong(1, lockKey(name));
                lock.execute();
            }
        }
    }

    /** A pooled connection keeps session-level locks: they are given back before it returns to the pool. */
    private static void release(Connection connection) throws SQLException {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
            unlock.execute();
        }
    }

    /** The key {@code store.ClusterLock} derives from a lock's name (CRC-32 of its UTF-8 bytes). */
    static long lockKey(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /** Waits until the demand history has every session of the history ended (the broker beside us projects it). */
    private boolean awaitDemand(UUID poolId, Instant from, Instant to, int sessions, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            List<RecordedRequest> requests = demand.requests(poolId, from, to);
            if (requests.size() >= sessions && requests.stream().allMatch(r -> r.endedAt() != null)) {
                return true;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        log.warn("The demand history did not take in the demo history within {}: no forecast made", timeout);
        return false;
    }
}
