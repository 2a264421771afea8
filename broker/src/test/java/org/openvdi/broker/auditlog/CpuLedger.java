package org.openvdi.broker.auditlog;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a benchmark step's CPU went (bench support): this JVM's CPU by thread (threads named alike, as
 * {@code stored-event-decoder}, summed; a sampler keeps the CPU of threads that end during the step up to its last
 * look, every 100 ms), what the JVM spent besides its Java threads (garbage collection, the JIT compilers), and
 * PostgreSQL's CPU: the postmaster with every child it reaped (backends that ended, autovacuum workers) from
 * {@code /proc/PID/stat}, and each live child by its process title ({@code postgres: checkpointer}, a backend).
 */
final class CpuLedger implements AutoCloseable {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Clock ticks per second of {@code /proc/PID/stat}'s times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final long postmaster;
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> startCpu = new HashMap<>();
    private final Map<Long, Long> lastCpu = new HashMap<>();
    private final double jvmStart;
    private final double pgStart;
    private final Map<Long, Double> pgStartByPid;
    private final Thread sampler;
    private final java.time.Instant started = java.time.Instant.now();
    private volatile boolean running = true;

    private CpuLedger(long postmaster) {
        this.postmaster = postmaster;
        sample(true);
        jvmStart = jvm();
        pgStart = postgres();
        pgStartByPid = new HashMap<>();
        children().forEach(child -> pgStartByPid.put(child.pid(), stat(child.pid(), false)));
        sampler = new Thread(() -> {
            while (running) {
                sample(false);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cpu-ledger");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts counting; {@code postmaster} is the pid of the PostgreSQL server whose CPU counts too. */
    static CpuLedger start(long postmaster) {
        return new CpuLedger(postmaster);
    }

    /** The step's CPU, JVM and PostgreSQL, and the Markdown lines that break it down. */
    record Spent(double jvmSeconds, double postgresSeconds, String breakdown) {

        double total() {
            return jvmSeconds + postgresSeconds;
        }
    }

    Spent stop(long events) {
        running = false;
        sampler.interrupt();
        sample(false);
        double jvm = jvm() - jvmStart;
        double pg = postgres() - pgStart;
        Map<String, Double> byThread = new HashMap<>();
        for (Map.Entry<Long, Long> entry : lastCpu.entrySet()) {
            double seconds = (entry.getValue() - startCpu.getOrDefault(entry.getKey(), 0L)) / 1e9;
            String name = names.get(entry.getKey()).replaceAll("[-#\\s]*\\d+$", "").replaceAll("\\d+", "N");
            byThread.merge(name, seconds, Double::sum);
        }
        double javaThreads = byThread.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> pgByTitle = new HashMap<>();
        for (ProcessHandle child : children()) {
            String title = child.info().commandLine().orElse("?").replaceAll("\\(\\d+\\)", "")
                    .replaceAll("\\s+(idle|COPY|SELECT|INSERT|UPDATE|DELETE|BIND|PARSE)\\b.*$", "");
            pgByTitle.merge(title, stat(child.pid(), false) - pgStartByPid.getOrDefault(child.pid(), 0.0), Double::sum);
        }
        double pgLive = pgByTitle.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "From %s to %s (for a flight recording's samples).%n%n", started,
                java.time.Instant.now()));
        out.append(String.format(Locale.ROOT, "| where | CPU s | per million events |%n|---|---:|---:|%n"));
        line(out, "**JVM**", jvm, events);
        top(byThread).forEach((name, seconds) -> line(out, "JVM thread `" + name + "`", seconds, events));
        line(out, "JVM, not in a Java thread (GC, JIT compilers)", jvm - javaThreads, events);
        line(out, "**PostgreSQL**", pg, events);
        top(pgByTitle).forEach((title, seconds) -> line(out, "PostgreSQL `" + title + "`", seconds, events));
        line(out, "PostgreSQL, processes that ended (backends, autovacuum workers) and the postmaster", pg - pgLive, events);
        return new Spent(jvm, pg, out.toString());
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    private static Map<String, Double> top(Map<String, Double> seconds) {
        return seconds.entrySet().stream().filter(e -> e.getValue() >= 0.05)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(12)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private static void line(StringBuilder out, String what, double seconds, long events) {
        out.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f |%n", what, seconds, seconds * 1e6 / Math.max(1, events)));
    }

    private synchronized void sample(boolean first) {
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            names.putIfAbsent(info.getThreadId(), info.getThreadName());
            if (first) {
                startCpu.put(info.getThreadId(), cpu);
            }
            lastCpu.put(info.getThreadId(), cpu);
        }
    }

    private static double jvm() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }

    /** The postmaster's own CPU and that of every child it has reaped, plus its live children's. */
    private double postgres() {
        double total = stat(postmaster, true);
        for (ProcessHandle child : children()) {
            total += stat(child.pid(), false);
        }
        return total;
    }

    private List<ProcessHandle> children() {
        return ProcessHandle.of(postmaster).map(p -> p.descendants().toList()).orElse(List.of());
    }

    /** utime + stime (and with {@code reaped}, cutime + cstime) of a process, in seconds; 0 once it is gone. */
    private static double stat(long pid, boolean reaped) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields from the state (3rd of the line) on: utime is the 14th of the line, so index 11 here
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            if (reaped) {
                ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
            }
            return ticks / TICKS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
