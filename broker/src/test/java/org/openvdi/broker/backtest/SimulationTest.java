package org.openvdi.broker.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.forecast.DemandForecast;
import org.openvdi.broker.forecast.HoltWinters;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.SpareTarget;

/**
 * The backtest's simulation on histories small enough to compute by hand (in the comments), and the rule that a
 * forecast inside a backtest sees only the past.
 */
class SimulationTest {

    static final UUID POOL = UUID.randomUUID();
    static final Instant EIGHT = Instant.parse("2025-01-06T08:00:00Z");   // a Monday
    static final Instant TEN = EIGHT.plus(Duration.ofHours(2));
    static final List<Duration> TEN_MINUTES = List.of(Duration.ofMinutes(10));
    static final Duration SETTLE = Duration.ofMinutes(10);

    static SimulatedRequest at(String time, int minutes) {
        return new SimulatedRequest(Instant.parse("2025-01-06T" + time + ":00Z"), Duration.ofMinutes(minutes));
    }

    static final List<SimulatedRequest> THREE = List.of(at("09:00", 10), at("09:30", 10), at("09:31", 10));

    @Test
    void givenOneStaticSpare_whenThreeRequestsCome_thenTwoAreWarmAndTheSparesIdled89Minutes() {
        // 08:00 provision, ready 08:10; 09:00 warm (idle 50 min), provision, ready 09:10; 09:30 warm (idle 20 min),
        // provision, ready 09:40; 09:31 waits, one more provisioned (ready 09:41); 09:40 serves it (9 min);
        // 09:41 a spare until 10:00 (19 min). Idle 89 min, 4 provisionings, at most 3 desktops (09:31).
        PolicyResult result = new Simulation(POOL, new SparePolicy.Static(1), null, TEN_MINUTES, 10, SETTLE)
                .run("static 1", THREE, EIGHT, TEN, null);

        assertThat(result.requests()).isEqualTo(3);
        assertThat(result.warmHits()).isEqualTo(2);
        assertThat(result.warmHitRate()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(result.idleSpareHours()).isCloseTo(89 / 60.0, within(1e-9));
        assertThat(result.provisionings()).isEqualTo(4);
        assertThat(result.peakDesktops()).isEqualTo(3);
        assertThat(result.waitP50Seconds()).isZero();
        assertThat(result.waitP95Seconds()).isEqualTo(540);
    }

    @Test
    void givenNoSpares_whenThreeRequestsCome_thenEachWaitsForItsProvisioningAndNothingIdles() {
        PolicyResult result = new Simulation(POOL, new SparePolicy.Static(0), null, TEN_MINUTES, 10, SETTLE)
                .run("static 0", THREE, EIGHT, TEN, null);

        assertThat(result.warmHitRate()).isZero();
        assertThat(result.idleSpareHours()).isZero();
        assertThat(result.provisionings()).isEqualTo(3);
        assertThat(result.waitP50Seconds()).isEqualTo(600);      // waits 600, 600, 540 s
        assertThat(result.waitP95Seconds()).isEqualTo(600);
        assertThat(result.peakDesktops()).isEqualTo(2);
    }

    @Test
    void givenAScheduleWindowThatEnds_whenTheSurplusLastsTheSettleTime_thenTheSparesGoAfterIt() {
        // two spares from 08:00 (ready 08:10); the window ends at 09:00, the surplus is removed at 09:10: 2 x 60 min
        SparePolicy schedule = new SparePolicy.Schedule(ZoneOffset.UTC, List.of(new SparePolicy.Window(
                Set.of(DayOfWeek.MONDAY), LocalTime.of(8, 0), LocalTime.of(9, 0), 2)), 0);

        PolicyResult result = new Simulation(POOL, schedule, null, TEN_MINUTES, 10, SETTLE)
                .run("schedule", List.of(), EIGHT, TEN, null);

        assertThat(result.idleSpareHours()).isCloseTo(2.0, within(1e-9));
        assertThat(result.provisionings()).isEqualTo(2);
        assertThat(result.peakDesktops()).isEqualTo(2);
        assertThat(result.requests()).isZero();
    }

    @Test
    void givenAPoolAtItsMaximumSize_whenMoreRequestsCome_thenNoMoreDesktopsAreProvisioned() {
        PolicyResult result = new Simulation(POOL, new SparePolicy.Static(5), null, TEN_MINUTES, 2, SETTLE)
                .run("static 5 of 2", THREE, EIGHT, TEN, null);

        assertThat(result.peakDesktops()).isEqualTo(2);
    }

    @Test
    void givenAPredictivePolicy_whenTheFutureOfTheHistoryChanges_thenNoDecisionBeforeTheChangeMoves() {
        Instant start = EIGHT.minus(Duration.ofDays(14));
        Instant from = EIGHT;
        Instant to = EIGHT.plus(Duration.ofDays(4));
        Instant change = EIGHT.plus(Duration.ofDays(2));
        List<SimulatedRequest> past = requests(start, to, 1, null);
        List<SimulatedRequest> otherFuture = requests(start, to, 1, change);    // three times the requests from the change on

        List<String> first = decisions(past, start, from, to, change);
        List<String> second = decisions(otherFuture, start, from, to, change);

        assertThat(first).hasSizeGreaterThan(1000).isEqualTo(second);
        assertThat(first).anySatisfy(d -> assertThat(d).contains("FORECAST"));
    }

    private static List<String> decisions(List<SimulatedRequest> all, Instant start, Instant from, Instant to, Instant until) {
        double[] counts = new double[DemandForecast.intervals(Duration.between(start, to))];
        all.forEach(r -> counts[DemandForecast.intervals(Duration.between(start, r.at()))]++);
        HistoricalOutlook outlook = new HistoricalOutlook(counts, start, new HoltWinters());
        List<String> decisions = new ArrayList<>();
        SparePolicy predictive = new SparePolicy.Predictive(0.2, 0, 50, false);
        List<SimulatedRequest> period = all.stream().filter(r -> !r.at().isBefore(from)).toList();
        new Simulation(POOL, predictive, outlook, TEN_MINUTES, 100, SETTLE).run("predictive", period, from, to,
                (Instant at, SpareTarget target) -> {
                    if (at.isBefore(until)) {
                        decisions.add(at + " " + target);
                    }
                });
        return decisions;
    }

    /** Each weekday 08:00-10:00, a request every {@code everyMinutes} (three times as often after {@code busier}). */
    private static List<SimulatedRequest> requests(Instant start, Instant to, int everyMinutes, Instant busier) {
        List<SimulatedRequest> requests = new ArrayList<>();
        for (Instant day = start; day.isBefore(to); day = day.plus(Duration.ofDays(1))) {
            DayOfWeek weekday = day.atZone(ZoneOffset.UTC).getDayOfWeek();
            if (weekday == DayOfWeek.SATURDAY || weekday == DayOfWeek.SUNDAY) {
                continue;
            }
            for (int minute = 0; minute < 120; minute += everyMinutes * 3) {
                Instant at = day.plus(Duration.ofMinutes(minute));
                int copies = busier != null && !at.isBefore(busier) ? 3 : 1;
                for (int i = 0; i < copies; i++) {
                    requests.add(new SimulatedRequest(at.plusSeconds(i), Duration.ofMinutes(45)));
                }
            }
        }
        return requests;
    }
}
