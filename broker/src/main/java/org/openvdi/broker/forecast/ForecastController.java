package org.openvdi.broker.forecast;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import org.openvdi.broker.demand.DemandQueries;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.forecast.ForecastView.ForecastStatus;
import org.openvdi.broker.forecast.ForecastView.HourCount;
import org.openvdi.broker.forecast.ForecastView.IntervalCount;
import org.openvdi.broker.forecast.ForecastView.ModelForecast;
import org.openvdi.broker.pool.PoolQueries;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Forecast", description = "Demand forecasts and backtests of spare policies")
class ForecastController {

    private final Forecasts forecasts;
    private final DemandQueries demand;
    private final PoolQueries pools;
    private final Clock clock = Clock.systemUTC();

    ForecastController(Forecasts forecasts, DemandQueries demand, PoolQueries pools) {
        this.forecasts = forecasts;
        this.demand = demand;
        this.pools = pools;
    }

    @Operation(summary = "Session requests for the next 48 hours, per model, against the actual ones",
            description = "Admins and auditors (employees 403). Needs 24 hours of recorded requests, else status "
                    + "NOT_ENOUGH_HISTORY. Models: SEASONAL_NAIVE (same quarter hour last week) and HOLT_WINTERS "
                    + "(additive, daily and weekly season), forecasting per quarter hour (intervalMinutes); forecast, "
                    + "earlier and actual sum them per hour, intervals lists them. Refreshed at least hourly "
                    + "(openvdi.forecast.refresh) and scored on the quarter hours that have happened since: MAE (per "
                    + "quarter hour), sMAPE (%) and MASE.")
    @GetMapping("/api/pools/{id}/forecast")
    ForecastView forecast(@PathVariable UUID id) {
        pools.find(id).orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + id));
        Instant now = clock.instant();
        Instant hour = DemandForecast.hourOf(now);
        List<HourCount> actual = hours(hour.minus(Duration.ofHours(47)),
                demand.requestCounts(id, hour.minus(Duration.ofHours(47)), hour.plus(Duration.ofHours(1)), Duration.ofHours(1)));
        int minutes = (int) DemandForecast.INTERVAL.toMinutes();
        int history = forecasts.historyHours(id, hour);
        if (!forecasts.refresh(id, now)) {
            return new ForecastView(id, ForecastStatus.NOT_ENOUGH_HISTORY, "A forecast needs "
                    + DemandForecast.MIN_HISTORY.toHours() + " hours of recorded requests; this pool has " + history + ".",
                    history, (int) DemandForecast.MIN_HISTORY.toHours(), null, minutes, List.of(), actual);
        }
        List<StoredForecast> week = forecasts.issued(id, hour.minus(Duration.ofDays(7)), hour.plusSeconds(1));
        List<ModelForecast> models = new ArrayList<>();
        Instant issued = null;
        for (DemandModel model : Forecasts.MODELS) {
            StoredForecast current = forecasts.current(id, model.kind(), now).orElse(null);
            if (current == null) {
                continue;
            }
            issued = current.issuedAt();
            List<StoredForecast> mine = week.stream().filter(r -> r.model() == model.kind()).toList();
            StoredForecast earlier = mine.stream().filter(r -> !r.issuedAt().isAfter(hour.minus(Duration.ofHours(24))))
                    .reduce((a, b) -> b).orElse(null);
            Accuracy lastScored = mine.stream().filter(r -> r.scoredIntervals() == r.perInterval().length)
                    .map(StoredForecast::accuracy).reduce((a, b) -> b).orElse(null);
            List<Accuracy> scored = mine.stream().map(StoredForecast::accuracy).filter(a -> a != null).toList();
            models.add(new ModelForecast(model.kind(), hours(current.forecast()),
                    earlier == null ? List.of() : hours(earlier.forecast()), intervals(current.forecast()), lastScored,
                    mean(scored, Accuracy::mae), mean(scored, Accuracy::smape),
                    mean(scored.stream().filter(a -> a.mase() != null).toList(), Accuracy::mase)));
        }
        return new ForecastView(id, ForecastStatus.READY, null, history, (int) DemandForecast.MIN_HISTORY.toHours(), issued,
                minutes, models, actual);
    }

    private static List<HourCount> hours(DemandForecast forecast) {
        return hours(DemandForecast.hourOf(forecast.start()), forecast.perHour());
    }

    private static List<IntervalCount> intervals(DemandForecast forecast) {
        double[] values = forecast.perInterval();
        List<IntervalCount> answer = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            answer.add(new IntervalCount(forecast.start().plus(DemandForecast.INTERVAL.multipliedBy(i)),
                    Math.round(values[i] * 100) / 100.0));
        }
        return answer;
    }

    private static List<HourCount> hours(Instant start, double[] values) {
        List<HourCount> answer = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            answer.add(new HourCount(start.plus(Duration.ofHours(i)), Math.round(values[i] * 100) / 100.0));
        }
        return answer;
    }

    private static Double mean(List<Accuracy> scored, ToDoubleFunction<Accuracy> metric) {
        OptionalDouble mean = scored.stream().mapToDouble(metric).average();
        return mean.isPresent() ? Math.round(mean.getAsDouble() * 1000) / 1000.0 : null;
    }
}
