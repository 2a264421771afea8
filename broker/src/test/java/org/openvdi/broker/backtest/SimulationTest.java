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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.forecast.DemandForecast;
import org.openvdi.broker.forecast.HoltWinters;
import org.openvdi.broker.host.api.HostCordonedEvent;
import org.openvdi.broker.host.api.HostLabelsChangedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.hypervisor.VirtType;
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
    void givenHostsThatComeAndMatchOrNot_whenThreeSparesAreWanted_thenOnlyTheMatchingHostsRoomIsProvisioned() {
        // zone=a: host A (1 desktop) from 07:00, host B (2) from 09:00; host C (5, zone=b) does not match.
        // 08:00 room 1: one spare (ready 08:10, idle 110 min); 09:00 room 3: two more (ready 09:10, idle 2 x 50 min).
        // Idle 210 min, 3 provisionings, at most 3 desktops.
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        Instant seven = EIGHT.minus(Duration.ofHours(1));
        HostRoom room = HostRoom.of(Map.of(
                a, List.of(registered(a, 1, seven), labelled(a, "zone=a", seven)),
                b, List.of(registered(b, 2, EIGHT.plus(Duration.ofHours(1))), labelled(b, "zone=a", EIGHT.plus(Duration.ofHours(1)))),
                c, List.of(registered(c, 5, seven), labelled(c, "zone=b", seven))), HostSelector.of(List.of("zone=a")));
        SimulatedPool pool = new SimulatedPool(10, room, false, false, Duration.ZERO);

        PolicyResult result = new Simulation(POOL, new SparePolicy.Static(3), null, TEN_MINUTES, null, pool, SETTLE)
                .run("static 3", List.of(), EIGHT, TEN, null);

        assertThat(room.at(EIGHT)).isEqualTo(1);
        assertThat(room.at(TEN)).isEqualTo(3);
        assertThat(result.provisionings()).isEqualTo(3);
        assertThat(result.idleSpareHours()).isCloseTo(210 / 60.0, within(1e-9));
        assertThat(result.peakDesktops()).isEqualTo(3);
    }

    @Test
    void givenACordonedHost_whenRequestsCome_thenTheyWaitForRoomAndNoneIsProvisionedBeyondIt() {
        // one host of 1 desktop, cordoned at 08:30: the spare (ready 08:10) serves 09:00 at once; 09:30 and 09:31
        // find no spare and no room: never served before 10:00. 1 provisioning, 1 desktop at most.
        UUID a = UUID.randomUUID();
        HostRoom room = HostRoom.of(Map.of(a, List.of(registered(a, 1, EIGHT.minus(Duration.ofHours(1))),
                new HostRoom.HostEvent(EIGHT.plus(Duration.ofMinutes(30)), new HostCordonedEvent(a, "maintenance", "admin")))),
                HostSelector.ANY);

        PolicyResult result = new Simulation(POOL, new SparePolicy.Static(1), null, TEN_MINUTES, null,
                new SimulatedPool(10, room, false, false, Duration.ZERO), SETTLE).run("static 1", THREE, EIGHT, TEN, null);

        assertThat(result.provisionings()).isEqualTo(1);
        assertThat(result.peakDesktops()).isEqualTo(1);
        assertThat(result.requests()).as("served").isEqualTo(1);
        assertThat(result.warmHits()).isEqualTo(1);
    }

    static final Instant SEVEN = EIGHT.minus(Duration.ofHours(1));
    static final Instant NINE = EIGHT.plus(Duration.ofHours(1));
    static final HostSelector ZONE_A = HostSelector.of(List.of("zone=a"));
    static final HostSelector ZONE_B = HostSelector.of(List.of("zone=b"));

    @Test
    void givenHostsRelabelledMidPeriod_whenTwoSparesAreWanted_thenTheRoomFollowsTheLabelsOfEachMoment() {
        // the pool wants zone=a. Host B (1 desktop) is zone=a from 07:00 and zone=b from 08:30; host A (3) is zone=b
        // from 07:00 and zone=a from 09:00. 08:00 room 1: one spare (ready 08:10, idle 110 min); 08:30 room 0, the
        // spare stays; 09:00 room 3: one more (ready 09:10, idle 50 min). Idle 160 min, 2 provisionings.
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Instant halfPastEight = EIGHT.plus(Duration.ofMinutes(30));
        HostRoom room = HostRoom.of(Map.of(
                a, List.of(registered(a, 3, SEVEN), labelled(a, "zone=b", SEVEN), labelled(a, "zone=a", NINE)),
                b, List.of(registered(b, 1, SEVEN), labelled(b, "zone=a", SEVEN), labelled(b, "zone=b", halfPastEight))),
                List.of(new HostRoom.SelectorChange(SEVEN, ZONE_A)), List.of());

        PolicyResult result = staticSpares(2, room);

        assertThat(room.at(EIGHT)).isEqualTo(1);
        assertThat(room.at(halfPastEight)).isZero();
        assertThat(room.at(TEN)).isEqualTo(3);
        assertThat(result.provisionings()).isEqualTo(2);
        assertThat(result.idleSpareHours()).isCloseTo(160 / 60.0, within(1e-9));
        assertThat(result.peakDesktops()).isEqualTo(2);
    }

    @Test
    void givenThePoolsSelectorChangedMidPeriod_whenThreeSparesAreWanted_thenTheRoomIsThatOfTheSelectorOfEachMoment() {
        // host A (2 desktops, zone=a) and host B (3, zone=b) from 07:00; the pool wants any host until 07:30, zone=a
        // until 09:00, zone=b from then on. 08:00 room 2: two spares (ready 08:10, idle 2 x 110 min); 09:00 room 3:
        // one more (ready 09:10, idle 50 min). Idle 270 min, 3 provisionings, at most 3 desktops.
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        HostRoom room = HostRoom.of(Map.of(
                a, List.of(registered(a, 2, SEVEN), labelled(a, "zone=a", SEVEN)),
                b, List.of(registered(b, 3, SEVEN), labelled(b, "zone=b", SEVEN))),
                List.of(new HostRoom.SelectorChange(SEVEN.plus(Duration.ofMinutes(30)), ZONE_A),
                        new HostRoom.SelectorChange(NINE, ZONE_B)), List.of());

        PolicyResult result = staticSpares(3, room);

        assertThat(room.at(SEVEN.plus(Duration.ofMinutes(15)))).isEqualTo(5);
        assertThat(room.at(EIGHT)).isEqualTo(2);
        assertThat(room.at(TEN)).isEqualTo(3);
        assertThat(result.provisionings()).isEqualTo(3);
        assertThat(result.idleSpareHours()).isCloseTo(270 / 60.0, within(1e-9));
        assertThat(result.peakDesktops()).isEqualTo(3);
    }

    @Test
    void givenAnotherPoolFillingTheHost_whenThreeSparesAreWanted_thenOnlyTheRoomItLeftIsProvisioned() {
        // host A (3 desktops) from 07:00; another pool holds two desktops on it from 07:30 to 09:00 and a third from
        // 08:30 on; its desktops on host B (zone=b, not the pool's) take nothing from it. Room: 3, 1 at 07:30, 0 at
        // 08:30, 2 at 09:00. 08:00: one spare (ready 08:10, idle 110 min); 09:00: one more (ready 09:10, idle 50 min).
        // Idle 160 min, 2 provisionings, at most 2 desktops.
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Instant halfPastSeven = SEVEN.plus(Duration.ofMinutes(30));
        Instant halfPastEight = EIGHT.plus(Duration.ofMinutes(30));
        HostRoom room = HostRoom.of(Map.of(
                a, List.of(registered(a, 3, SEVEN), labelled(a, "zone=a", SEVEN)),
                b, List.of(registered(b, 4, SEVEN), labelled(b, "zone=b", SEVEN))),
                List.of(new HostRoom.SelectorChange(SEVEN, ZONE_A)), List.of(
                        new HostRoom.OtherDesktop(a, halfPastSeven, NINE),
                        new HostRoom.OtherDesktop(a, halfPastSeven, NINE),
                        new HostRoom.OtherDesktop(a, halfPastEight, null),
                        new HostRoom.OtherDesktop(b, SEVEN, null)));

        PolicyResult result = staticSpares(3, room);

        assertThat(room.at(SEVEN)).isEqualTo(3);
        assertThat(room.at(EIGHT)).isEqualTo(1);
        assertThat(room.at(halfPastEight)).isZero();
        assertThat(room.at(TEN)).isEqualTo(2);
        assertThat(result.provisionings()).isEqualTo(2);
        assertThat(result.idleSpareHours()).isCloseTo(160 / 60.0, within(1e-9));
        assertThat(result.peakDesktops()).isEqualTo(2);
    }

    @Test
    void givenAnotherPoolThatOverfillsAHost_thenThatHostHasNoRoomButTakesNoneFromTheOthers() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        HostRoom room = HostRoom.of(Map.of(a, List.of(registered(a, 1, SEVEN)), b, List.of(registered(b, 2, SEVEN))),
                List.of(), List.of(new HostRoom.OtherDesktop(a, SEVEN, null), new HostRoom.OtherDesktop(a, SEVEN, null)));

        assertThat(room.at(EIGHT)).isEqualTo(2);
    }

    private static PolicyResult staticSpares(int spares, HostRoom room) {
        return new Simulation(POOL, new SparePolicy.Static(spares), null, TEN_MINUTES, null,
                new SimulatedPool(10, room, false, false, Duration.ZERO), SETTLE).run("static " + spares, List.of(), EIGHT, TEN, null);
    }

    static final List<SimulatedRequest> ALICE_TWICE = List.of(
            new SimulatedRequest(Instant.parse("2025-01-06T09:00:00Z"), Duration.ofMinutes(10), "alice"),
            new SimulatedRequest(Instant.parse("2025-01-06T09:30:00Z"), Duration.ofMinutes(10), "alice"));

    @Test
    void givenAPersistentPoolThatPowersOffAtLogoff_whenItsUserComesBack_thenSheWaitsForHerOwnDesktopToStart() {
        // 08:00 a spare (ready 08:10); 09:00 alice takes it (warm, idle 50 min): it is hers; a new spare (ready 09:10,
        // idle until 10:00: 50 min). 09:10 her session ends, her desktop powers off. 09:30 it powers on for her: she
        // waits 5 min (cold), the spare stays. Idle 100 min, 2 provisionings, at most 2 desktops.
        PolicyResult result = new Simulation(POOL, new SparePolicy.Static(1), null, TEN_MINUTES, null,
                new SimulatedPool(10, HostRoom.UNLIMITED, true, true, Duration.ofMinutes(5)), SETTLE)
                .run("persistent", ALICE_TWICE, EIGHT, TEN, null);

        assertThat(result.requests()).isEqualTo(2);
        assertThat(result.warmHits()).isEqualTo(1);
        assertThat(result.waitP95Seconds()).isEqualTo(300);
        assertThat(result.idleSpareHours()).isCloseTo(100 / 60.0, within(1e-9));
        assertThat(result.provisionings()).isEqualTo(2);
        assertThat(result.peakDesktops()).isEqualTo(2);
    }

    @Test
    void givenAPersistentPoolThatKeepsRunning_whenItsUserComesBack_thenHerDesktopServesHerAtOnce() {
        // as above, but her desktop keeps running: 09:30 is warm. A floating pool instead recycles her desktop, so
        // 09:30 takes the spare (idle 09:10-09:30) and one more is provisioned (ready 09:40, idle 20 min): 90 min, 3.
        PolicyResult persistent = new Simulation(POOL, new SparePolicy.Static(1), null, TEN_MINUTES, null,
                new SimulatedPool(10, HostRoom.UNLIMITED, true, false, Duration.ofMinutes(5)), SETTLE)
                .run("persistent", ALICE_TWICE, EIGHT, TEN, null);
        PolicyResult floating = new Simulation(POOL, new SparePolicy.Static(1), null, TEN_MINUTES, 10, SETTLE)
                .run("floating", ALICE_TWICE, EIGHT, TEN, null);

        assertThat(persistent.warmHits()).isEqualTo(2);
        assertThat(persistent.idleSpareHours()).isCloseTo(100 / 60.0, within(1e-9));
        assertThat(persistent.provisionings()).isEqualTo(2);
        assertThat(floating.warmHits()).isEqualTo(2);
        assertThat(floating.idleSpareHours()).isCloseTo(90 / 60.0, within(1e-9));
        assertThat(floating.provisionings()).isEqualTo(3);
    }

    private static HostRoom.HostEvent registered(UUID host, int maxDesktops, Instant at) {
        return new HostRoom.HostEvent(at, new HostRegisteredEvent(host, "h-" + host, "test:///default", VirtType.QEMU,
                maxDesktops, "default", "127.0.0.1", "admin"));
    }

    private static HostRoom.HostEvent labelled(UUID host, String label, Instant at) {
        return new HostRoom.HostEvent(at, new HostLabelsChangedEvent(host, Set.of(label), "admin"));
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
