package org.openvdi.broker.spare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The pure spare decision: schedules across midnight and daylight-saving changes, forecast rounding, clamping. */
class SpareTargetsTest {

    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration LEAD = Duration.ofMinutes(5);
    private static final Limits ROOMY = Limits.ofPool(100, 0);
    private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    /** 8 spares 07:30–09:30 on weekdays, 2 spares 22:00–02:00 starting Fridays, 1 otherwise. */
    private static final SparePolicy.Schedule OFFICE = new SparePolicy.Schedule(BERLIN, List.of(
            new SparePolicy.Window(WEEKDAYS, LocalTime.of(7, 30), LocalTime.of(9, 30), 8),
            new SparePolicy.Window(Set.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(2, 0), 2)), 1);

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    private static SpareTarget at(SparePolicy policy, Instant now) {
        return SpareTargets.target(POOL, policy, now, null, LEAD, ROOMY);
    }

    @Test
    void givenStatic_whenAsked_thenItsCount() {
        assertThat(at(new SparePolicy.Static(3), Instant.EPOCH)).isEqualTo(new SpareTarget(3, TargetReason.STATIC));
    }

    @Test
    void givenSchedule_whenInsideAWeekdayWindow_thenTheWindowsCount() {
        // 2026-12-01 is a Tuesday
        assertThat(at(OFFICE, berlin("2026-12-01T07:30"))).isEqualTo(new SpareTarget(8, TargetReason.SCHEDULE_WINDOW));
        assertThat(at(OFFICE, berlin("2026-12-01T09:29:59"))).isEqualTo(new SpareTarget(8, TargetReason.SCHEDULE_WINDOW));
    }

    @Test
    void givenSchedule_whenAtTheEndOfAWindowOrBeforeIt_thenOtherwise() {
        assertThat(at(OFFICE, berlin("2026-12-01T09:30"))).isEqualTo(new SpareTarget(1, TargetReason.SCHEDULE_OTHERWISE));
        assertThat(at(OFFICE, berlin("2026-12-01T07:29:59"))).isEqualTo(new SpareTarget(1, TargetReason.SCHEDULE_OTHERWISE));
        // Saturday morning: weekday window does not apply
        assertThat(at(OFFICE, berlin("2026-12-05T08:00"))).isEqualTo(new SpareTarget(1, TargetReason.SCHEDULE_OTHERWISE));
    }

    @Test
    void givenWindowAcrossMidnight_whenBeforeAndAfterMidnight_thenItAppliesOnTheStartDayAndTheMorningAfter() {
        // Friday 2026-12-04 23:00 and Saturday 01:59 are inside; Saturday 02:00 and Thursday 23:00 are not
        assertThat(at(OFFICE, berlin("2026-12-04T23:00")).reason()).isEqualTo(TargetReason.SCHEDULE_WINDOW);
        assertThat(at(OFFICE, berlin("2026-12-05T00:00")).spares()).isEqualTo(2);
        assertThat(at(OFFICE, berlin("2026-12-05T01:59")).spares()).isEqualTo(2);
        assertThat(at(OFFICE, berlin("2026-12-05T02:00")).reason()).isEqualTo(TargetReason.SCHEDULE_OTHERWISE);
        assertThat(at(OFFICE, berlin("2026-12-03T23:00")).reason()).isEqualTo(TargetReason.SCHEDULE_OTHERWISE);
        // Friday 01:00 belongs to a window that would have started Thursday: none
        assertThat(at(OFFICE, berlin("2026-12-04T01:00")).reason()).isEqualTo(TargetReason.SCHEDULE_OTHERWISE);
    }

    @Test
    void givenWindowsInBerlin_whenClocksGoForward_thenWallClockTimesStillApplyAndTheSkippedHourNever() {
        // 2026-03-29 (Sunday) 02:00 CET -> 03:00 CEST; a Sunday window 01:30-03:30 and one inside the gap
        SparePolicy.Schedule sunday = new SparePolicy.Schedule(BERLIN, List.of(
                new SparePolicy.Window(Set.of(DayOfWeek.SUNDAY), LocalTime.of(1, 30), LocalTime.of(3, 30), 4),
                new SparePolicy.Window(Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 10), LocalTime.of(2, 50), 9)), 0);
        Instant beforeJump = Instant.parse("2026-03-29T00:59:00Z"); // 01:59 CET
        Instant afterJump = Instant.parse("2026-03-29T01:00:00Z");  // 03:00 CEST
        Instant end = Instant.parse("2026-03-29T01:30:00Z");        // 03:30 CEST
        assertThat(at(sunday, beforeJump)).isEqualTo(new SpareTarget(4, TargetReason.SCHEDULE_WINDOW));
        assertThat(at(sunday, afterJump)).isEqualTo(new SpareTarget(4, TargetReason.SCHEDULE_WINDOW));
        assertThat(at(sunday, end).reason()).isEqualTo(TargetReason.SCHEDULE_OTHERWISE);
        for (Instant t = Instant.parse("2026-03-28T23:00:00Z"); t.isBefore(end); t = t.plusSeconds(60)) {
            assertThat(at(sunday, t).spares()).as("at %s", t).isNotEqualTo(9);
        }
        // the window lasted one real hour that day (01:30 CET to 03:30 CEST)
        assertThat(minutesCovered(sunday, Instant.parse("2026-03-28T23:00:00Z"), end)).isEqualTo(60);
    }

    @Test
    void givenWindowsInBerlin_whenClocksGoBack_thenTheRepeatedHourIsCoveredTwice() {
        // 2026-10-25 (Sunday) 03:00 CEST -> 02:00 CET; a window 02:00-03:00 covers two real hours
        SparePolicy.Schedule sunday = new SparePolicy.Schedule(BERLIN, List.of(
                new SparePolicy.Window(Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 0), LocalTime.of(3, 0), 5)), 0);
        assertThat(at(sunday, Instant.parse("2026-10-25T00:30:00Z")).spares()).isEqualTo(5); // 02:30 CEST
        assertThat(at(sunday, Instant.parse("2026-10-25T01:30:00Z")).spares()).isEqualTo(5); // 02:30 CET
        assertThat(minutesCovered(sunday, Instant.parse("2026-10-24T22:00:00Z"), Instant.parse("2026-10-25T04:00:00Z")))
                .isEqualTo(120);
    }

    @Test
    void givenWindowAcrossMidnightOnTheNightClocksGoBack_whenWalked_thenItCoversOneHourMore() {
        // Saturday 2026-10-24 22:00 to Sunday 06:00 local: 9 real hours instead of 8
        SparePolicy.Schedule night = new SparePolicy.Schedule(BERLIN, List.of(
                new SparePolicy.Window(Set.of(DayOfWeek.SATURDAY), LocalTime.of(22, 0), LocalTime.of(6, 0), 3)), 0);
        assertThat(minutesCovered(night, Instant.parse("2026-10-24T12:00:00Z"), Instant.parse("2026-10-25T12:00:00Z")))
                .isEqualTo(9 * 60);
    }

    @Test
    void givenOverlappingWindows_whenBothCover_thenTheLargestCountWins() {
        SparePolicy.Schedule overlap = new SparePolicy.Schedule(BERLIN, List.of(
                new SparePolicy.Window(WEEKDAYS, LocalTime.of(7, 0), LocalTime.of(12, 0), 3),
                new SparePolicy.Window(WEEKDAYS, LocalTime.of(8, 0), LocalTime.of(9, 0), 6)), 0);
        assertThat(at(overlap, berlin("2026-12-01T08:30")).spares()).isEqualTo(6);
        assertThat(at(overlap, berlin("2026-12-01T10:00")).spares()).isEqualTo(3);
    }

    @Test
    void givenPredictive_whenForecastTimesMarginIsFractional_thenItIsRoundedUp() {
        SparePolicy.Predictive p = new SparePolicy.Predictive(0.2, 1, 20, false);
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, (id, from, within) -> 5.1, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(7, TargetReason.FORECAST)); // 6.12 -> 7
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, (id, from, within) -> 5.0, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(6, TargetReason.FORECAST)); // 6.000000000000001 -> 6, not 7
        SparePolicy.Predictive tenth = new SparePolicy.Predictive(0.1, 0, 50, false);
        assertThat(SpareTargets.target(POOL, tenth, Instant.EPOCH, (id, from, within) -> 30, LEAD, ROOMY).spares())
                .isEqualTo(33);
    }

    @Test
    void givenPredictive_whenTheOutlookIsAskedThenItGetsThePoolTheMomentAndTheLeadTime() {
        List<Object> asked = new ArrayList<>();
        SpareTargets.target(POOL, new SparePolicy.Predictive(0, 0, 5, false), Instant.EPOCH,
                (id, from, within) -> {
                    asked.addAll(List.of(id, from, within));
                    return 1;
                }, Duration.ofMinutes(7), ROOMY);
        assertThat(asked).containsExactly(POOL, Instant.EPOCH, Duration.ofMinutes(7));
    }

    @Test
    void givenPredictive_whenForecastIsOutsideMinAndMaxSpare_thenItIsBoundedWithTheBoundAsReason() {
        SparePolicy.Predictive p = new SparePolicy.Predictive(0, 2, 4, false);
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, (id, f, w) -> 0.5, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(2, TargetReason.FORECAST_MIN_SPARE));
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, (id, f, w) -> 40, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(4, TargetReason.FORECAST_MAX_SPARE));
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, (id, f, w) -> -3, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(2, TargetReason.FORECAST_MIN_SPARE));
    }

    @Test
    void givenPredictiveWithoutForecast_whenAsked_thenMinSpareWithNoForecast() {
        SparePolicy.Predictive p = new SparePolicy.Predictive(0.5, 2, 9, false);
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, null, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(2, TargetReason.NO_FORECAST));
        assertThat(SpareTargets.target(POOL, p, Instant.EPOCH, (id, f, w) -> Double.NaN, LEAD, ROOMY))
                .isEqualTo(new SpareTarget(2, TargetReason.NO_FORECAST));
    }

    @Test
    void givenForecastOnly_whenApplied_thenMinSpareIsEnforcedWhileTheTargetShowsTheForecast() {
        SparePolicy.Predictive p = new SparePolicy.Predictive(0, 1, 9, true);
        SpareTarget computed = SpareTargets.target(POOL, p, Instant.EPOCH, (id, f, w) -> 6, LEAD, ROOMY);
        assertThat(computed).isEqualTo(new SpareTarget(6, TargetReason.FORECAST));
        assertThat(SpareTargets.applied(p, computed, ROOMY)).isEqualTo(new SpareTarget(1, TargetReason.FORECAST_ONLY));
        assertThat(SpareTargets.applied(new SparePolicy.Static(3), new SpareTarget(3, TargetReason.STATIC), ROOMY))
                .isEqualTo(new SpareTarget(3, TargetReason.STATIC));
    }

    @Test
    void givenLimits_whenTheTargetExceedsThem_thenClampedByMaxSizeThenHostRoom() {
        SparePolicy.Static eight = new SparePolicy.Static(8);
        assertThat(SpareTargets.target(POOL, eight, Instant.EPOCH, null, LEAD, new Limits(10, 4, 100)))
                .isEqualTo(new SpareTarget(6, TargetReason.CLAMPED_MAX_SIZE));
        assertThat(SpareTargets.target(POOL, eight, Instant.EPOCH, null, LEAD, new Limits(10, 4, 3)))
                .isEqualTo(new SpareTarget(3, TargetReason.CLAMPED_HOST_ROOM));
        assertThat(SpareTargets.target(POOL, eight, Instant.EPOCH, null, LEAD, new Limits(10, 12, 3)))
                .isEqualTo(new SpareTarget(0, TargetReason.CLAMPED_MAX_SIZE));
        assertThat(SpareTargets.target(POOL, eight, Instant.EPOCH, null, LEAD, new Limits(20, 0, 8)))
                .isEqualTo(new SpareTarget(8, TargetReason.STATIC));
    }

    @Test
    void givenInvalidPolicies_whenBuilt_thenRejectedWithAReason() {
        assertThatThrownBy(() -> new SparePolicy.Static(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SparePolicy.Window(Set.of(), LocalTime.NOON, LocalTime.MIDNIGHT, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SparePolicy.Window(WEEKDAYS, LocalTime.NOON, LocalTime.NOON, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SparePolicy.Predictive(0, 5, 4, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SparePolicy.Predictive(Double.NaN, 0, 4, false))
                .isInstanceOf(IllegalArgumentException.class);
        List<SparePolicy.Window> many = new ArrayList<>();
        for (int i = 0; i <= SparePolicy.MAX_WINDOWS; i++) {
            many.add(new SparePolicy.Window(WEEKDAYS, LocalTime.NOON, LocalTime.MIDNIGHT, 1));
        }
        assertThatThrownBy(() -> new SparePolicy.Schedule(BERLIN, many, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int minutesCovered(SparePolicy.Schedule schedule, Instant from, Instant to) {
        int minutes = 0;
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(60)) {
            if (at(schedule, t).reason() == TargetReason.SCHEDULE_WINDOW) {
                minutes++;
            }
        }
        return minutes;
    }
}
