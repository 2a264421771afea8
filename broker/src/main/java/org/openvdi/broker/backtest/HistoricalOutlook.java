package org.openvdi.broker.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.forecast.DemandForecast;
import org.openvdi.broker.forecast.DemandModel;
import org.openvdi.broker.spare.DemandOutlook;

/**
 * The forecast a backtest's predictive policy sees: at a simulated moment, the forecast the broker would have made at
 * the start of that hour (it refreshes hourly; the values are per {@link DemandForecast#INTERVAL}) from the requests
 * recorded <em>before</em> that hour only, at most {@link DemandForecast#MAX_HISTORY} of them, and none with less
 * than {@link DemandForecast#MIN_HISTORY} (then no number: the policy falls back to its minimum). Forecasts are kept
 * per hour, so several policies share them. To keep a backtest of weeks within seconds, the model's parameters are
 * fitted once per simulated day (on the history before that day's first forecast) and the forecast is updated with
 * them every hour; the live broker fits them at each run.
 */
final class HistoricalOutlook implements DemandOutlook {

    private final double[] counts;
    private final Instant start;
    private final DemandModel model;
    private final Map<Instant, DemandForecast> forecasts = new HashMap<>();
    private final int horizon = DemandForecast.intervals(DemandForecast.HORIZON);
    private DemandModel fitted;
    private long fittedDay = Long.MIN_VALUE;

    /** {@code counts}: requests per {@link DemandForecast#INTERVAL} from {@code start} (an interval boundary) on. */
    HistoricalOutlook(double[] counts, Instant start, DemandModel model) {
        this.counts = counts;
        this.start = start;
        this.model = model;
    }

    @Override
    public double expectedRequests(UUID poolId, Instant from, Duration within) {
        Instant hour = DemandForecast.hourOf(from);
        DemandForecast forecast = forecasts.computeIfAbsent(hour, this::forecastAt);
        return forecast == null ? Double.NaN : forecast.expectedRequests(from, within);
    }

    /** The forecast made at {@code hour} from the whole intervals before it. */
    private DemandForecast forecastAt(Instant hour) {
        int end = Math.min(counts.length, Math.max(0, DemandForecast.intervals(Duration.between(start, hour))));
        int begin = Math.max(0, end - DemandForecast.intervals(DemandForecast.MAX_HISTORY));
        if (end - begin < DemandForecast.intervals(DemandForecast.MIN_HISTORY)) {
            return null;
        }
        double[] history = Arrays.copyOfRange(counts, begin, end);
        long day = Math.floorDiv(hour.getEpochSecond(), 86_400);
        if (day != fittedDay) {
            fitted = model.fittedOn(history);
            fittedDay = day;
        }
        return new DemandForecast(hour, fitted.forecast(history, horizon));
    }
}
