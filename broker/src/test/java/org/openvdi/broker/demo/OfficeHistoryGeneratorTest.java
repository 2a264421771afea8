package org.openvdi.broker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shape of the demo history's office: storm, lunch dip, weekends, the holiday; and the same seed, the same days. */
class OfficeHistoryGeneratorTest {

    static final LocalDate FIRST = LocalDate.of(2026, 10, 5);    // a Monday
    static final int WEEKS = 8;
    static final LocalDate HOLIDAY = DemoHistory.holiday(FIRST, WEEKS);
    static final List<PlannedSession> SESSIONS = OfficeHistoryGenerator.sessions(300, FIRST, WEEKS * 7, HOLIDAY,
            ZoneOffset.UTC, 42);

    @Test
    void givenEightWeeks_whenPlanned_thenTheHolidayIsAMondayInTheMiddle() {
        assertThat(HOLIDAY).isEqualTo(LocalDate.of(2026, 11, 2));
        assertThat(HOLIDAY.getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
    }

    @Test
    void givenAWeekday_whenPlanned_thenMostEmployeesComeAndTheMorningStormIsTheBusiestHour() {
        Map<Integer, Long> byHour = requestsByHour(LocalDate.of(2026, 10, 7));
        long day = byHour.values().stream().mapToLong(Long::longValue).sum();
        assertThat(day).isBetween(330L, 420L);                       // ~92% of 300, a third twice
        long storm = byHour.getOrDefault(8, 0L) + byHour.getOrDefault(9, 0L);
        assertThat(storm).isGreaterThan(day / 2);                    // 08:00-09:30 carries most of the day's logons
        assertThat(byHour.getOrDefault(8, 0L)).isGreaterThan(150L);
        assertThat(byHour.getOrDefault(3, 0L)).isZero();
        assertThat(byHour.getOrDefault(22, 0L)).isZero();
    }

    @Test
    void givenAWeekday_whenPlanned_thenLunchIsADipBetweenTheMorningAndTheReturnAfterIt() {
        Map<Integer, Long> byHour = requestsByHour(LocalDate.of(2026, 10, 8));
        assertThat(byHour.getOrDefault(12, 0L)).isLessThan(byHour.getOrDefault(13, 0L));
        LocalDate day = LocalDate.of(2026, 10, 8);
        long lunch = openAt(day, 12, 30);
        assertThat(lunch).isLessThan(openAt(day, 11, 0) - 40).isLessThan(openAt(day, 14, 30) - 40);
        assertThat(byHour.getOrDefault(13, 0L)).isGreaterThan(40L);       // the ones back from lunch
        long endingAtLunch = SESSIONS.stream().filter(s -> day(s).equals(LocalDate.of(2026, 10, 8)))
                .filter(s -> hour(s.endAt()) == 12).count();
        assertThat(endingAtLunch).isGreaterThan(60L);
    }

    @Test
    void givenWeekendsAndTheHoliday_whenPlanned_thenFewCome() {
        long saturday = count(LocalDate.of(2026, 10, 10));
        long sunday = count(LocalDate.of(2026, 10, 11));
        long holiday = count(HOLIDAY);
        long weekdayAfter = count(HOLIDAY.plusDays(1));
        assertThat(saturday).isBetween(3L, 25L);
        assertThat(sunday).isBetween(3L, 25L);
        assertThat(holiday).isBetween(1L, 20L);
        assertThat(weekdayAfter).isGreaterThan(300L);
    }

    @Test
    void givenTheSameSeed_whenPlannedAgain_thenTheSameSessions_andEveryOneEndsTheSameDayAfterItBegan() {
        assertThat(OfficeHistoryGenerator.sessions(300, FIRST, WEEKS * 7, HOLIDAY, ZoneOffset.UTC, 42)).isEqualTo(SESSIONS);
        assertThat(OfficeHistoryGenerator.sessions(300, FIRST, WEEKS * 7, HOLIDAY, ZoneOffset.UTC, 43)).isNotEqualTo(SESSIONS);
        assertThat(SESSIONS).allSatisfy(s -> {
            assertThat(s.endAt()).isAfter(s.requestAt());
            assertThat(day(s)).isEqualTo(s.endAt().atZone(ZoneOffset.UTC).toLocalDate());
            assertThat(hour(s.endAt())).isLessThanOrEqualTo(20);
        });
        // one open session per employee at a time
        Map<String, List<PlannedSession>> byUser = SESSIONS.stream().collect(Collectors.groupingBy(PlannedSession::user));
        assertThat(byUser).hasSizeLessThanOrEqualTo(300);
        byUser.values().forEach(list -> {
            for (int i = 1; i < list.size(); i++) {
                assertThat(list.get(i).requestAt()).isAfterOrEqualTo(list.get(i - 1).endAt());
            }
        });
    }

    private static Map<Integer, Long> requestsByHour(LocalDate day) {
        return SESSIONS.stream().filter(s -> day(s).equals(day))
                .collect(Collectors.groupingBy(s -> hour(s.requestAt()), Collectors.counting()));
    }

    private static long openAt(LocalDate day, int hour, int minute) {
        java.time.Instant at = day.atTime(hour, minute).toInstant(ZoneOffset.UTC);
        return SESSIONS.stream().filter(s -> !s.requestAt().isAfter(at) && s.endAt().isAfter(at)).count();
    }

    private static long count(LocalDate day) {
        return SESSIONS.stream().filter(s -> day(s).equals(day)).count();
    }

    private static LocalDate day(PlannedSession s) {
        return s.requestAt().atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static int hour(java.time.Instant at) {
        return ZonedDateTime.ofInstant(at, ZoneOffset.UTC).getHour();
    }
}
