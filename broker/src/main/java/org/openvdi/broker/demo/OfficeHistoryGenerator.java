package org.openvdi.broker.demo;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The sessions of an office's desktop pool over whole days, from a seed: the same settings give the same history.
 * <ul>
 *   <li>Weekdays: about 92% of the employees come in; three quarters of them in a morning logon storm (08:00 to
 *   09:30, densest around 08:30), the rest spread over 07:00 to 11:00. About a third sign off for lunch (12:00 to
 *   12:45) and sign on again after it (12:45 to 13:45): the lunch dip and the early-afternoon bump. They sign off
 *   around 17:00.</li>
 *   <li>Weekends: about 4% work a few hours between 10:00 and 16:00.</li>
 *   <li>The public holiday: like a weekend day, with 3%.</li>
 * </ul>
 * Every session ends by 20:30 of its day, so a day's history is finished before the next one begins.
 */
final class OfficeHistoryGenerator {

    static final double WEEKDAY_ATTENDANCE = 0.92;
    static final double WEEKEND_ATTENDANCE = 0.04;
    static final double HOLIDAY_ATTENDANCE = 0.03;
    static final double STORM_SHARE = 0.75;
    static final double LUNCH_BREAK_SHARE = 0.33;

    private OfficeHistoryGenerator() {
    }

    /** Employee names: {@code employee001} to {@code employeeNNN}. */
    static String employee(int index) {
        return String.format("employee%03d", index + 1);
    }

    /** The sessions of {@code days} days from {@code firstDay} in {@code zone}, in the order they are requested. */
    static List<PlannedSession> sessions(int employees, LocalDate firstDay, int days, LocalDate holiday, ZoneId zone,
                                         long seed) {
        Random random = new Random(seed);
        List<PlannedSession> sessions = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate day = firstDay.plusDays(d);
            boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
            boolean holidayToday = day.equals(holiday);
            for (int u = 0; u < employees; u++) {
                String user = employee(u);
                double attendance = holidayToday ? HOLIDAY_ATTENDANCE : weekend ? WEEKEND_ATTENDANCE : WEEKDAY_ATTENDANCE;
                if (random.nextDouble() >= attendance) {
                    continue;
                }
                if (weekend || holidayToday) {
                    double start = 10 + 6 * random.nextDouble();
                    sessions.add(session(user, day, zone, start, Math.min(20.5, start + 1 + 2.5 * random.nextDouble())));
                    continue;
                }
                double arrival = random.nextDouble() < STORM_SHARE
                        ? clamp(8.5 + 0.3 * random.nextGaussian(), 8.0, 9.5)
                        : 7 + 4 * random.nextDouble();
                double leave = clamp(17 + 0.75 * random.nextGaussian(), Math.max(arrival + 2, 15), 20.5);
                if (arrival < 11.5 && random.nextDouble() < LUNCH_BREAK_SHARE) {
                    double lunch = 12 + 0.75 * random.nextDouble();
                    double back = Math.max(lunch + 0.25, 12.75) + random.nextDouble();
                    sessions.add(session(user, day, zone, arrival, lunch));
                    sessions.add(session(user, day, zone, back, Math.max(leave, back + 1)));
                } else {
                    sessions.add(session(user, day, zone, arrival, leave));
                }
            }
        }
        sessions.sort(Comparator.comparing(PlannedSession::requestAt).thenComparing(PlannedSession::user));
        return sessions;
    }

    private static PlannedSession session(String user, LocalDate day, ZoneId zone, double fromHour, double toHour) {
        return new PlannedSession(user, at(day, zone, fromHour), at(day, zone, Math.min(20.5, toHour)));
    }

    private static Instant at(LocalDate day, ZoneId zone, double hour) {
        return ZonedDateTime.of(day.atStartOfDay(), zone).toInstant().plusMillis(Math.round(hour * 3_600_000));
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }
}
