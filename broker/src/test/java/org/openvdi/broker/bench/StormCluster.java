package org.openvdi.broker.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.cluster.ExternalKafka;
import org.openvdi.broker.cluster.ExternalPostgres;

/**
 * The broker processes of one storm configuration, started by the bench: one broker on its embedded PostgreSQL (as
 * the product runs by default), or {@code N} brokers, each with its own port and node id, on one external PostgreSQL
 * server from Debian's package ({@link ExternalPostgres}, as the multi-broker integration test runs it, with
 * {@code pg_stat_statements} loaded), and with {@code bench.kafka=true} one external Kafka ({@link ExternalKafka}).
 * <p>
 * {@link #close} stops everything it started, newest first, once: at the end of a run, when a start fails halfway, or
 * from a shutdown hook when the bench's JVM is stopped before that (an interrupted build). A broker's embedded
 * PostgreSQL that outlives its broker is stopped too.
 */
final class StormCluster implements AutoCloseable {

    /** A broker starts in about 20 s on an idle machine; several minutes when the machine is shared and loaded. */
    private static final Duration START = Duration.ofMinutes(10);

    /** One configuration of the storm: how many brokers, on which PostgreSQL. */
    record Setup(int brokers, boolean external) {

        /**
         * {@code embedded} (one broker on its embedded PostgreSQL) or a number of brokers on an external server, in a
         * comma-separated list: {@code embedded,3,1}.
         */
        static List<Setup> parse(String list) {
            return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
                if (s.equalsIgnoreCase("embedded")) {
                    return new Setup(1, false);
                }
                int n = Integer.parseInt(s);
                if (n < 1 || n > 16) {
                    throw new IllegalArgumentException("bench.broker-count: 1 to 16 brokers, or embedded; not " + s);
                }
                return new Setup(n, true);
            }).toList();
        }

        String label() {
            return external ? brokers + (brokers == 1 ? " broker" : " brokers") + ", external PostgreSQL"
                    : "1 broker, embedded PostgreSQL";
        }

        String directory() {
            return external ? "external-" + brokers : "embedded";
        }
    }

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Thread shutdownHook = new Thread(this::closeQuietly, "storm-cluster-cleanup");
    private final List<AppProcess> brokers = new ArrayList<>();
    private PostgresCost postgres;
    private boolean closed;

    private StormCluster() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts the brokers of {@code setup} in {@code work}: each gets {@code brokerArgs} and {@code jvmArgs}; with an
     * external server also its own node id, and with {@code testDriverHosts} no drift reconciliation (libvirt's test
     * driver keeps each process's VMs in that process, so every broker would find the others' desktops missing).
     */
    static StormCluster start(Setup setup, Path work, Path jars, List<String> brokerArgs, List<String> jvmArgs,
                              boolean kafka, boolean testDriverHosts) throws Exception {
        StormCluster cluster = new StormCluster();
        try {
            cluster.startBrokers(setup, work, jars, brokerArgs, jvmArgs, kafka, testDriverHosts);
            return cluster;
        } catch (Exception | Error e) {
            cluster.closeQuietly();
            throw e;
        }
    }

    private void startBrokers(Setup setup, Path work, Path jars, List<String> brokerArgs, List<String> jvmArgs,
                              boolean kafka, boolean testDriverHosts) throws Exception {
        if (!setup.external()) {
            List<String> args = new ArrayList<>(brokerArgs);
            args.add("--openvdi.kafka.enabled=" + kafka);
            // the statements a request costs (pg_stat_statements; a build without the setting ignores it)
            args.add("--openvdi.embedded-postgres.statement-statistics=true");
            AppProcess broker = broker(AppProcess.broker(jars, work.resolve("broker-0"), args), jvmArgs);
            started.push(broker);
            broker.start(START);
            postgres = PostgresCost.of(work.resolve("broker-0/data/postgres"));
            // the broker stops its embedded server; if the broker had to be killed, the server would stay behind
            ProcessHandle postmaster = postgres.postmaster().orElseThrow();
            started.pop();
            started.push(() -> stopLeftBehind(postmaster));
            started.push(broker);
            return;
        }
        ExternalPostgres database = new ExternalPostgres(work).setting("shared_preload_libraries", "pg_stat_statements");
        started.push(database);
        database.start();
        postgres = PostgresCost.of(database.dataDirectory(), database.jdbcUrl(), ExternalPostgres.USER,
                database.password());
        ExternalKafka events = null;
        if (kafka) {
            events = new ExternalKafka(work);
            started.push(events);
            events.start();
        }
        for (int n = 0; n < setup.brokers(); n++) {
            List<String> args = new ArrayList<>(brokerArgs);
            args.addAll(List.of("--spring.datasource.url=" + database.jdbcUrl(),
                    "--spring.datasource.username=" + ExternalPostgres.USER,
                    "--openvdi.cluster.node-id=storm-broker-" + n,
                    "--openvdi.kafka.enabled=" + kafka, "--openvdi.kafka.embedded=false"));
            if (testDriverHosts) {
                args.addAll(List.of("--openvdi.reconcile.initial-delay=1h", "--openvdi.reconcile.interval=1h"));
            }
            AppProcess broker = broker(AppProcess.broker(jars, work.resolve("broker-" + n), args), jvmArgs)
                    .env("SPRING_DATASOURCE_PASSWORD", database.password());
            if (events != null) {
                broker.env("OPENVDI_KAFKA_BOOTSTRAP_SERVERS", events.bootstrapServers())
                        .env("OPENVDI_KAFKA_PASSWORD", events.brokerPassword());
            }
            started.push(broker);
        }
        // all at once, as after a deployment: Flyway migrates under its own advisory lock
        ExecutorService starting = Executors.newFixedThreadPool(brokers.size());
        try {
            List<Future<?>> starts = new ArrayList<>();
            for (AppProcess broker : brokers) {
                starts.add(starting.submit(() -> {
                    broker.start(START);
                    return null;
                }));
            }
            for (Future<?> start : starts) {
                start.get(START.toSeconds() + 30, TimeUnit.SECONDS);
            }
        } finally {
            starting.shutdownNow();
        }
    }

    private AppProcess broker(AppProcess broker, List<String> jvmArgs) {
        jvmArgs.forEach(broker::jvmArg);
        brokers.add(broker);
        return broker;
    }

    private static void stopLeftBehind(ProcessHandle postmaster) throws InterruptedException {
        try {
            postmaster.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException stillRunning) {
            postmaster.destroy();
        }
    }

    /** The brokers' base URLs, in the order users are spread over them (user i goes to broker i mod N). */
    List<String> urls() {
        return brokers.stream().map(b -> "http://localhost:" + b.port()).toList();
    }

    /** CPU time of every broker process together, in milliseconds; -1 when one is not running. */
    long brokerCpuMillis() {
        long sum = 0;
        for (AppProcess broker : brokers) {
            long cpu = broker.handle().flatMap(h -> h.info().totalCpuDuration()).map(Duration::toMillis).orElse(-1L);
            if (cpu < 0) {
                return -1;
            }
            sum += cpu;
        }
        return sum;
    }

    PostgresCost postgres() {
        return postgres;
    }

    Connection connect() throws SQLException {
        return postgres.connect();
    }

    String describe() {
        return String.format(Locale.ROOT, "%s: %s", brokers.size() == 1 ? "broker" : "brokers", String.join(", ", urls()));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                System.err.println("Stopping " + next + " failed: " + e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called by the hook itself
        }
    }

    private void closeQuietly() {
        close();
    }
}
