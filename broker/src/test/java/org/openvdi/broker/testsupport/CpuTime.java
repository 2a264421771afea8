package org.openvdi.broker.testsupport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * CPU time used so far by this JVM and by a local PostgreSQL (its postmaster, the backends it has reaped and those
 * still running), for benchmarks that report CPU seconds per event besides the wall clock: on a machine shared with
 * other builds the wall clock says what this process's share gave, the CPU time what the work costs. Reads
 * {@code /proc} (Linux); PostgreSQL's part is zero when its processes cannot be read.
 */
public record CpuTime(long jvmNanos, long postgresNanos) {

    private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    /** Now, for this JVM and the PostgreSQL server {@code jdbc} talks to. */
    public static CpuTime now(JdbcClient jdbc) {
        long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        return new CpuTime(jvm, postgres(jdbc));
    }

    /** What was used between {@code before} and this. */
    public CpuTime since(CpuTime before) {
        return new CpuTime(jvmNanos - before.jvmNanos, postgresNanos - before.postgresNanos);
    }

    /** CPU seconds per million events, for {@code events} events: this JVM's and PostgreSQL's. */
    public String perMillion(long events) {
        return String.format(java.util.Locale.ROOT, "%.1f s in the JVM, %.1f s in PostgreSQL",
                jvmNanos / 1e9 * 1_000_000 / events, postgresNanos / 1e9 * 1_000_000 / events);
    }

    private static long postgres(JdbcClient jdbc) {
        try {
            String directory = jdbc.sql("SHOW data_directory").query(String.class).single();
            long postmaster = Long.parseLong(Files.readAllLines(Path.of(directory, "postmaster.pid")).get(0).trim());
            long ticks = ticks(postmaster, true);
            for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(java.util.List.of())) {
                ticks += ticks(child.pid(), false);
            }
            return ticks * TICK_NANOS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime of {@code pid} (and of its reaped children: cutime + cstime). */
    private static long ticks(long pid, boolean reaped) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is the state (field 3 of proc(5)); utime, stime, cutime, cstime are fields 14 to 17
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return reaped ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
