package org.openvdi.broker.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.forecast.HoltWinters;
import org.openvdi.broker.forecast.DemandForecast;
import org.openvdi.broker.spare.SparePolicy;

/**
 * How long a backtest of 8 weeks of a 300-user pool takes (the goal: at most 10 s), with the work a real one does
 * past loading its rows: the simulation of each policy, and for the predictive ones a Holt-Winters forecast per quarter
 * hour updated every simulated hour from the history before it (its parameters refitted daily). The request stream is
 * {@link OfficeDemand}'s (with two weeks of history before the period and a holiday in it). Prints the side-by-side table and writes it to
 * target/bench/backtest.md. Runs only with {@code -Pbench} ({@code ./vdi bench}).
 */
class BacktestBench {

    static final ZoneId ZONE = ZoneId.of("Europe/Zurich");
    static final Set<DayOfWeek> WEEKDAYS = Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
    static final List<Duration> LEAD_TIMES = List.of(Duration.ofSeconds(95), Duration.ofSeconds(120),
            Duration.ofSeconds(150), Duration.ofSeconds(110), Duration.ofSeconds(240));

    @Test
    void givenEightWeeksOfA300UserPool_whenBacktestingElevenPolicies_thenItTakesAtMostTenSeconds() throws IOException {
        LocalDate first = LocalDate.of(2025, 1, 6);
        List<SimulatedRequest> all = OfficeDemand.requests(300, first, 70, ZONE, Set.of(LocalDate.of(2025, 2, 27)), 42);
        Instant historyStart = first.atStartOfDay(ZONE).toInstant();
        Instant from = first.plusDays(14).atStartOfDay(ZONE).toInstant();
        Instant to = first.plusDays(70).atStartOfDay(ZONE).toInstant();
        List<SimulatedRequest> period = all.stream().filter(r -> !r.at().isBefore(from)).toList();
        List<Backtests.LabelledPolicy> policies = new ArrayList<>();
        for (int n : new int[]{2, 5, 10, 15, 20, 40}) {
            policies.add(new Backtests.LabelledPolicy("STATIC " + n, new SparePolicy.Static(n)));
        }
        policies.add(new Backtests.LabelledPolicy("SCHEDULE", new SparePolicy.Schedule(ZONE, List.of(
                new SparePolicy.Window(WEEKDAYS, LocalTime.of(7, 0), LocalTime.of(9, 30), 40),
                new SparePolicy.Window(WEEKDAYS, LocalTime.of(12, 0), LocalTime.of(13, 30), 15)), 2)));
        policies.add(new Backtests.LabelledPolicy("PREDICTIVE +50%", new SparePolicy.Predictive(0.5, 2, 80, false)));
        for (double margin : new double[]{1, 2, 4}) {
            policies.add(new Backtests.LabelledPolicy("PREDICTIVE +" + Math.round(margin * 100) + "%",
                    new SparePolicy.Predictive(margin, 2, 80, false)));
        }

        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long started = System.nanoTime();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        double[] counts = new double[DemandForecast.intervals(Duration.between(historyStart, to)) + 1];
        all.forEach(r -> counts[DemandForecast.intervals(Duration.between(historyStart, r.at()))]++);
        HistoricalOutlook outlook = new HistoricalOutlook(counts, historyStart, new HoltWinters());
        List<PolicyResult> results = new ArrayList<>();
        for (Backtests.LabelledPolicy p : policies) {
            results.add(new Simulation(UUID.randomUUID(), p.policy(), outlook, LEAD_TIMES, 400, Duration.ofMinutes(10))
                    .run(p.label(), period, from, to, null));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, """
                # Backtest: 8 weeks of a 300-user pool

                %d requests from %s to %s (a holiday on 2025-02-27), two weeks of history before, lead times %s,
                forecast per quarter hour updated every simulated hour (%d forecasts), its parameters refitted daily. %d policies in **%.2f s** of CPU
                time on one thread (goal: at most 10 s), %.2f s of wall time with the load average at %.1f.

                | policy | warm hits | wait p50 (s) | wait p95 (s) | idle spare-hours | peak desktops | provisionings |
                |---|---|---|---|---|---|---|
                """, period.size(), from, to, LEAD_TIMES, Duration.between(from, to).toHours(), policies.size(), cpuSeconds, seconds, load));
        for (PolicyResult r : results) {
            table.append(String.format(Locale.ROOT, "| %s | %.1f%% | %.0f | %.0f | %.0f | %d | %d |%n", r.label(),
                    100 * r.warmHitRate(), r.waitP50Seconds(), r.waitP95Seconds(), r.idleSpareHours(), r.peakDesktops(),
                    r.provisionings()));
        }
        System.out.println(table);
        Path report = Path.of("target/bench/backtest.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table);
        assertThat(DemandForecast.MAX_HISTORY).isEqualTo(Duration.ofDays(56));
        // CPU time: on a machine shared with other builds the wall time measures them as well
        assertThat(cpuSeconds).as("a backtest of 8 weeks of a 300-user pool").isLessThan(10);
    }
}
