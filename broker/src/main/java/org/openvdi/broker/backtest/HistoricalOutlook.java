package org.openvdi.broker.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.forecast.DemandModel;
import org.openvdi.broker.forecast.HourlyForecast;
import org.openvdi.broker.spare.DemandOutlook;

/**
 * The forecast a backtest's predictive policy sees: at a simulated moment, the forecast the broker would have made at
 * the start of that hour (it refreshes hourly) from the requests recorded <em>before</em> that hour only, at most
 * {@link HourlyForecast#MAX_HISTORY} of them, and none with less than {@link HourlyForecast#MIN_HISTORY} (then no
 * number: the policy falls back to its minimum). Forecasts are kept per hour, so several policies share them. To keep
 * a backtest of weeks within seconds, the model's parameters are fitted once per simulated day (on the history before
 * that day's first forecast) and the forecast is updated with them every hour; the live broker fits them hourly.
 */
final class HistoricalOutlook implements DemandOutlook {

    private final double[] counts;
    private final Instant start;
    private final DemandModel model;
    private final Map<Instant, HourlyForecast> forecasts = new HashMap<>();
    private DemandModel fitted;
    private long fittedDay = Long.MIN_VALUE;

    /** {@code counts}: requests per hour from {@code start} (an hour boundary) on. */
    HistoricalOutlook(double[] counts, Instant start, DemandModel model) {
        this.counts = counts;
        this.start = start;
        this.model = model;
    }

    @Override
    public double expectedRequests(UUID poolId, Instant from, Duration within) {
        Instant hour = HourlyForecast.hourOf(from);
        HourlyForecast forecast = forecasts.computeIfAbsent(hour, this::forecastAt);
        return forecast == null ? Double.NaN : forecast.expectedRequests(from, within);
    }

    /** The forecast made at {@code hour} from the whole hours before it. */
    private HourlyForecast forecastAt(Instant hour) {
        int end = (int) Math.min(counts.length, Math.max(0, Duration.between(start, hour).toHours()));
        int begin = (int) Math.max(0, end - HourlyForecast.MAX_HISTORY.toHours());
        if (end - begin < HourlyForecast.MIN_HISTORY.toHours()) {
            return null;
        }
        double[] history = Arrays.copyOfRange(counts, begin, end);
        long day = Math.floorDiv(hour.getEpochSecond(), 86_400);
        if (day != fittedDay) {
            fitted = model.fittedOn(history);
            fittedDay = day;
        }
        return new HourlyForecast(hour, fitted.forecast(history, (int) HourlyForecast.HORIZON.toHours()));
    }
}
