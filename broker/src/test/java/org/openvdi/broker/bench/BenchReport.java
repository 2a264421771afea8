package org.openvdi.broker.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The provisioning benchmark's figures: per-step samples to percentiles, rendered as a Markdown report. */
final class BenchReport {

    /** What the broker's own Prometheus timer says about one step. */
    record Timer(long count, double sumSeconds, double maxSeconds) {
    }

    private final Map<String, List<Long>> samples = new LinkedHashMap<>();
    private final Map<String, Timer> timers = new LinkedHashMap<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<String> settings = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int desktops;
    private double wallSeconds;

    void sample(String row, long millis) {
        samples.computeIfAbsent(row, key -> new ArrayList<>()).add(millis);
    }

    void timer(String step, Timer timer) {
        timers.put(step, timer);
    }

    void machine(String key, String value) {
        machine.put(key, value);
    }

    void setting(String line) {
        settings.add(line);
    }

    /** A desktop that failed on the way (the broker tore it down and provisioned another). */
    void failure(String reason) {
        failures.add(reason);
    }

    void throughput(int desktops, double wallSeconds) {
        this.desktops = desktops;
        this.wallSeconds = wallSeconds;
    }

    double readyPerMinute() {
        return desktops * 60.0 / wallSeconds;
    }

    /** Nearest-rank percentile of the samples of one row. */
    static long percentile(List<Long> values, double p) {
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Provisioning benchmark\n\n");
        settings.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("\n## Machine\n\n| | |\n|---|---|\n");
        machine.forEach((key, value) -> md.append("| ").append(key).append(" | ").append(value).append(" |\n"));
        md.append("\n## Time per provisioning step (from the events' `millis`)\n\n")
                .append("| step | n | p50 ms | p95 ms | max ms | Prometheus count | Prometheus mean ms |\n")
                .append("|---|---:|---:|---:|---:|---:|---:|\n");
        samples.forEach((row, values) -> {
            Timer timer = timers.get(row);
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s | %s |%n", row, values.size(),
                    percentile(values, 50), percentile(values, 95), percentile(values, 100),
                    timer == null ? "" : Long.toString(timer.count()),
                    timer == null || timer.count() == 0 ? "" : String.format(Locale.ROOT, "%.0f",
                            timer.sumSeconds() * 1000 / timer.count())));
        });
        md.append(String.format(Locale.ROOT, "%n## Throughput%n%n%d desktops ready in %.1f s (first request to last ready): "
                + "**%.1f desktops ready per minute**%n", desktops, wallSeconds, readyPerMinute()));
        md.append(String.format(Locale.ROOT, "%nDesktops that failed on the way and were replaced: %d%n", failures.size()));
        failures.forEach(reason -> md.append("- ").append(reason).append('\n'));
        return md.toString();
    }
}
