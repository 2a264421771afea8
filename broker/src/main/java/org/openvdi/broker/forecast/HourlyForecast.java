package org.openvdi.broker.forecast;

import java.time.Duration;
import java.time.Instant;

/**
 * A forecast of requests per hour from {@code start} (an hour boundary) on, and what it expects in any interval
 * (requests spread evenly within each hour). After its last hour it expects nothing it can vouch for: NaN.
 */
public record HourlyForecast(Instant start, double[] perHour) {

    public static final Duration INTERVAL = Duration.ofHours(1);
    public static final Duration HORIZON = Duration.ofHours(48);
    public static final Duration MIN_HISTORY = Duration.ofHours(24);
    public static final Duration MAX_HISTORY = Duration.ofDays(56);

    public static Instant hourOf(Instant at) {
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 3600) * 3600);
    }

    /** Expected requests in [{@code from}, {@code from + within}); NaN when that reaches outside the forecast. */
    public double expectedRequests(Instant from, Duration within) {
        long a = from.toEpochMilli() - start.toEpochMilli();
        long b = a + within.toMillis();
        long hour = INTERVAL.toMillis();
        if (a < 0 || b > perHour.length * hour) {
            return Double.NaN;
        }
        double sum = 0;
        for (long h = a / hour; h * hour < b; h++) {
            long overlap = Math.min(b, (h + 1) * hour) - Math.max(a, h * hour);
            sum += perHour[(int) h] * overlap / hour;
        }
        return sum;
    }
}
