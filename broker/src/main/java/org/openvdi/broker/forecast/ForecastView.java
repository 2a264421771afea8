package org.openvdi.broker.forecast;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A pool's forecast against what happened: each model's current 48-hour forecast, the one it made a day earlier
 * (whose first 24 hours can be set against the actual requests), its accuracy, and the actual requests of the last 48
 * hours. The models forecast per quarter hour ({@code intervalMinutes}); the lists of hours sum the quarter hours of
 * each hour (a run issued within an hour begins with that hour's remaining quarters), and {@code intervals} gives the
 * current run's quarter hours themselves. With less than {@code neededHours} of history the status says so and
 * nothing is forecast.
 */
public record ForecastView(UUID poolId, ForecastStatus status, String detail, int historyHours, int neededHours,
                           Instant issuedAt, int intervalMinutes, List<ModelForecast> models, List<HourCount> actual) {

    /** Whether there was a forecast to give. */
    public enum ForecastStatus { READY, NOT_ENOUGH_HISTORY }

    /** Requests in the hour from {@code hour}. */
    public record HourCount(Instant hour, double requests) {
    }

    /** Requests in the interval from {@code start}. */
    public record IntervalCount(Instant start, double requests) {
    }

    /**
     * One model's forecast per hour and per quarter hour ({@code intervals}) and, from the day before, the earlier one
     * per hour; {@code lastScored} the accuracy of the latest run scored on its whole horizon (per quarter hour),
     * {@code recentMae}/{@code recentSmape}/{@code recentMase} the means over the runs scored in the last week.
     */
    public record ModelForecast(ModelKind model, List<HourCount> forecast, List<HourCount> earlier,
                                List<IntervalCount> intervals, Accuracy lastScored, Double recentMae, Double recentSmape,
                                Double recentMase) {
    }
}
