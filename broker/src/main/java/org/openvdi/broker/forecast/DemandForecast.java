package org.openvdi.broker.forecast;

import java.time.Duration;
import java.time.Instant;

/**
 * A forecast of requests per {@link #INTERVAL} (a quarter hour) from {@code start} (an interval boundary) on, and what
 * it expects in any span of time (requests spread evenly within each interval). After its last interval it expects
 * nothing it can vouch for: NaN. Quarter hours, from the demand history's 5-minute buckets: a logon storm that peaks
 * within minutes is not spread over a whole hour, so a spare policy looking a lead time ahead sees its shape.
 */
public record DemandForecast(Instant start, double[] perInterval) {

    public static final Duration INTERVAL = Duration.ofMinutes(15);
    public static final Duration HORIZON = Duration.ofHours(48);
    public static final Duration MIN_HISTORY = Duration.ofHours(24);
    public static final Duration MAX_HISTORY = Duration.ofDays(56);
    /** The seasons of these intervals. */
    public static final Seasons SEASONS = Seasons.QUARTER_HOURLY;

    /** The interval that holds {@code at}. */
    public static Instant intervalOf(Instant at) {
        long seconds = INTERVAL.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), seconds) * seconds);
    }

    /** The hour that holds {@code at}. */
    public static Instant hourOf(Instant at) {
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 3600) * 3600);
    }

    /** Whole intervals in {@code span}. */
    public static int intervals(Duration span) {
        return (int) (span.toMillis() / INTERVAL.toMillis());
    }

    /** Expected requests in [{@code from}, {@code from + within}); NaN when that reaches outside the forecast. */
    public double expectedRequests(Instant from, Duration within) {
        long a = from.toEpochMilli() - start.toEpochMilli();
        long b = a + within.toMillis();
        long interval = INTERVAL.toMillis();
        if (a < 0 || b > perInterval.length * interval) {
            return Double.NaN;
        }
        double sum = 0;
        for (long i = a / interval; i * interval < b; i++) {
            long overlap = Math.min(b, (i + 1) * interval) - Math.max(a, i * interval);
            sum += perInterval[(int) i] * overlap / interval;
        }
        return sum;
    }

    /** The forecast summed per hour, from the hour that holds {@code start} (a partial first hour counts what it has). */
    public double[] perHour() {
        int perHour = (int) (Duration.ofHours(1).toMillis() / INTERVAL.toMillis());
        int offset = (int) (Duration.between(hourOf(start), start).toMillis() / INTERVAL.toMillis());
        double[] hours = new double[(offset + perInterval.length + perHour - 1) / perHour];
        for (int i = 0; i < perInterval.length; i++) {
            hours[(offset + i) / perHour] += perInterval[i];
        }
        return hours;
    }
}
