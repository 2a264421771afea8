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

    private final Map<String, Samples> samples = new LinkedHashMap<>();
    private final Map<String, Timer> timers = new LinkedHashMap<>();
    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<String> settings = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private int desktops;
    private double wallSeconds;

    void sample(String row, long millis) {
        samples.computeIfAbsent(row, key -> new Samples()).add(millis);
    }

    void timer(String step, Timer timer) {
        timers.put(step, timer);
    }

    void machine(Map<String, String> facts) {
        machine.putAll(facts);
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

    BenchDocument document() {
        BenchDocument document = new BenchDocument("Provisioning benchmark").machine(machine);
        settings.forEach(document::setting);
        List<List<String>> rows = new ArrayList<>();
        samples.forEach((row, values) -> {
            Timer timer = timers.get(row);
            rows.add(List.of(row, Integer.toString(values.size()), Long.toString(values.percentile(50)),
                    Long.toString(values.percentile(95)), Long.toString(values.max()),
                    timer == null ? "" : Long.toString(timer.count()),
                    timer == null || timer.count() == 0 ? "" : String.format(Locale.ROOT, "%.0f",
                            timer.sumSeconds() * 1000 / timer.count())));
        });
        document.table("Time per provisioning step (from the events' `millis`)", List.of("step", "n", "p50 ms", "p95 ms",
                "max ms", "Prometheus count", "Prometheus mean ms"), rows);
        document.section("Throughput", String.format(Locale.ROOT, "%d desktops ready in %.1f s (first request to last "
                + "ready): **%.1f desktops ready per minute**", desktops, wallSeconds, readyPerMinute()));
        StringBuilder failed = new StringBuilder("Desktops that failed on the way and were replaced: " + failures.size());
        failures.forEach(reason -> failed.append("\n- ").append(reason));
        return document.text(failed.toString());
    }
}
