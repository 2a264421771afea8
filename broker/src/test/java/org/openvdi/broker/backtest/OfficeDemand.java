package org.openvdi.broker.backtest;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic request stream of an office pool: {@code users} employees who log on on weekdays in a morning storm
 * (around 08:00, spread over an hour and a half), a third of them again after a lunch break, a few at weekends, and
 * nobody on the holidays given. Sessions last hours. From a fixed seed, so every run replays the same stream.
 */
final class OfficeDemand {

    private OfficeDemand() {
    }

    static List<SimulatedRequest> requests(int users, LocalDate firstDay, int days, ZoneId zone, Set<LocalDate> holidays,
                                           long seed) {
        Random random = new Random(seed);
        List<SimulatedRequest> requests = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            LocalDate day = firstDay.plusDays(d);
            boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
            if (holidays.contains(day)) {
                continue;
            }
            for (int u = 0; u < users; u++) {
                if (weekend ? random.nextDouble() > 0.04 : random.nextDouble() > 0.92) {
                    continue;
                }
                double startHour = weekend ? 9 + 6 * random.nextDouble() : 8.0 + 0.45 * random.nextGaussian();
                Instant start = at(day, zone, startHour);
                if (!weekend && random.nextDouble() < 0.33) {
                    // morning session ends for lunch; a new one after it
                    double lunch = 12 + 0.4 * random.nextGaussian();
                    requests.add(new SimulatedRequest(start, hours(Math.max(0.5, lunch - startHour))));
                    double back = lunch + 0.5 + 0.25 * Math.abs(random.nextGaussian());
                    requests.add(new SimulatedRequest(at(day, zone, back), hours(3.5 + 1.5 * random.nextDouble())));
                } else {
                    requests.add(new SimulatedRequest(start, hours(weekend ? 1 + 2 * random.nextDouble()
                            : 7.5 + 1.5 * random.nextGaussian())));
                }
            }
        }
        requests.sort(Comparator.comparing(SimulatedRequest::at));
        return requests;
    }

    private static Instant at(LocalDate day, ZoneId zone, double hour) {
        long seconds = Math.round(Math.max(0, Math.min(23.99, hour)) * 3600);
        return ZonedDateTime.of(day.atStartOfDay(), zone).toInstant().plusSeconds(seconds);
    }

    private static Duration hours(double hours) {
        return Duration.ofSeconds(Math.round(Math.max(0.1, hours) * 3600));
    }
}
