package org.openvdi.broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a burst costs the brokers' PostgreSQL (the broker's embedded one, or an external server), read from outside:
 * the CPU time of the postmaster and its backends ({@code /proc}, the postmaster's own, its reaped children's and its
 * live children's), the database's counters ({@code pg_stat_database}: transactions, rows) and, when the server loaded
 * {@code pg_stat_statements} (the embedded one with {@code openvdi.embedded-postgres.statement-statistics}, an
 * external one with {@code shared_preload_libraries}), the statements by number of calls.
 */
final class PostgresCost {

    private static final double TICKS_PER_SECOND = 100.0;

    private final long postmaster;
    private final String url;
    private final String user;
    private final String password;

    private PostgresCost(long postmaster, String url, String user, String password) {
        this.postmaster = postmaster;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * The broker's embedded PostgreSQL, whose data directory is {@code dataDirectory} ({@code postmaster.pid}: pid,
     * then port), database and user {@code postgres}.
     */
    static PostgresCost of(Path dataDirectory) throws IOException {
        List<String> pid = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
        return new PostgresCost(Long.parseLong(pid.get(0).trim()), "jdbc:postgresql://localhost:"
                + Integer.parseInt(pid.get(3).trim()) + "/postgres", "postgres", "");
    }

    /** A server of its own (an external one): its data directory, and how the brokers reach their database. */
    static PostgresCost of(Path dataDirectory, String jdbcUrl, String user, String password) throws IOException {
        List<String> pid = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
        return new PostgresCost(Long.parseLong(pid.get(0).trim()), jdbcUrl, user, password);
    }

    /** The postmaster's process, while it runs. */
    java.util.Optional<ProcessHandle> postmaster() {
        return ProcessHandle.of(postmaster);
    }

    /** A connection to the brokers' database. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** The counters at one moment. */
    record Snapshot(long cpuMillis, Map<String, Long> database, Map<String, long[]> statements) {
    }

    Snapshot snapshot() throws IOException, SQLException, InterruptedException {
        Thread.sleep(1500); // backends report their counters when idle, at most once a second
        Map<String, Long> database = new LinkedHashMap<>();
        Map<String, long[]> statements = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("""
                    SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted
                    FROM pg_stat_database WHERE datname = current_database()""")) {
                rs.next();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    database.put(rs.getMetaData().getColumnName(i), rs.getLong(i));
                }
            }
            try {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            } catch (SQLException notAvailable) {
                // without the library loaded the view answers an error below
            }
            try (ResultSet rs = s.executeQuery("SELECT query, calls, total_exec_time * 1000 FROM pg_stat_statements")) {
                while (rs.next()) {
                    statements.merge(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)},
                            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
            } catch (SQLException notLoaded) {
                // the broker did not load pg_stat_statements (an older build): counters only
            }
        }
        return new Snapshot(cpuMillis(), database, statements);
    }

    private long cpuMillis() throws IOException {
        long ticks = ticks(postmaster, true);
        for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of())) {
            ticks += ticks(child.pid(), false);
        }
        return Math.round(ticks * 1000 / TICKS_PER_SECOND);
    }

    /** utime + stime, and with {@code reaped} cutime + cstime, from {@code /proc/PID/stat} (0 when it is gone). */
    private static long ticks(long pid, boolean reaped) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return reaped ? ticks + Long.parseLong(f[13]) + Long.parseLong(f[14]) : ticks;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** PostgreSQL's CPU per request between two snapshots, in milliseconds. */
    static double cpuMillisPerRequest(Snapshot before, Snapshot after, int requests) {
        return (after.cpuMillis() - before.cpuMillis()) / (double) requests;
    }

    /** Per request between two snapshots: CPU, the database's counters, and the most called statements. */
    static String perRequest(Snapshot before, Snapshot after, int requests) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "PostgreSQL during the session requests, per request: %.1f ms of CPU (postmaster and backends)",
                (after.cpuMillis() - before.cpuMillis()) / (double) requests));
        after.database().forEach((name, value) -> text.append(String.format(Locale.ROOT, ", %s %.1f", name,
                (value - before.database().getOrDefault(name, 0L)) / (double) requests)));
        if (after.statements().isEmpty()) {
            return text.append(" (no pg_stat_statements: not loaded by this build or server)").toString();
        }
        List<Map.Entry<String, long[]>> deltas = new ArrayList<>();
        long calls = 0;
        for (Map.Entry<String, long[]> e : after.statements().entrySet()) {
            long[] was = before.statements().getOrDefault(e.getKey(), new long[2]);
            long[] delta = {e.getValue()[0] - was[0], e.getValue()[1] - was[1]};
            if (delta[0] > 0) {
                deltas.add(Map.entry(e.getKey(), delta));
                calls += delta[0];
            }
        }
        deltas.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        text.append(String.format(Locale.ROOT, "\n\nStatements per session request (pg_stat_statements): %.1f in all;"
                + " by calls per request, with execution µs per call:", calls / (double) requests));
        for (Map.Entry<String, long[]> e : deltas.subList(0, Math.min(30, deltas.size()))) {
            text.append(String.format(Locale.ROOT, "\n- %.2f × %d µs: `%s`", e.getValue()[0] / (double) requests,
                    e.getValue()[1] / e.getValue()[0], e.getKey().replaceAll("\\s+", " ")
                            .substring(0, Math.min(160, e.getKey().replaceAll("\\s+", " ").length()))));
        }
        return text.toString();
    }
}
