package org.openvdi.broker.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.demand.DemandQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes, stores and scores the forecasts of a pool: at each hour, every model forecasts the next 48 hours of session
 * requests from up to 8 weeks of whole past hours (none with less than 24 hours of history); later, each run is scored
 * against the requests of the hours that have happened since. Idempotent: a run is made once per pool, model and hour,
 * whichever broker or request asks first.
 */
@Component
public class Forecasts {

    private static final Logger log = LoggerFactory.getLogger(Forecasts.class);
    static final List<DemandModel> MODELS = List.of(new SeasonalNaive(), new HoltWinters());

    private final DemandQueries demand;
    private final ForecastStore store;

    Forecasts(DemandQueries demand, ForecastStore store) {
        this.demand = demand;
        this.store = store;
    }

    /** The whole hours of history a forecast issued at {@code hour} has: from the first request's hour, at most 8 weeks. */
    int historyHours(UUID poolId, Instant hour) {
        Optional<Instant> first = demand.firstRequest(poolId);
        if (first.isEmpty() || !first.get().isBefore(hour)) {
            return 0;
        }
        long hours = Duration.between(HourlyForecast.hourOf(first.get()), hour).toHours();
        return (int) Math.min(hours, HourlyForecast.MAX_HISTORY.toHours());
    }

    /** Makes the runs of the hour of {@code now} unless they exist; answers whether there was history enough. */
    public boolean refresh(UUID poolId, Instant now) {
        Instant hour = HourlyForecast.hourOf(now);
        if (store.has(poolId, hour)) {
            return true;
        }
        int hours = historyHours(poolId, hour);
        if (hours < HourlyForecast.MIN_HISTORY.toHours()) {
            return false;
        }
        double[] history = demand.requestCounts(poolId, hour.minus(Duration.ofHours(hours)), hour, HourlyForecast.INTERVAL);
        double scale = Accuracy.naiveScale(history);
        for (DemandModel model : MODELS) {
            store.save(poolId, model.kind(), hour, hours, model.forecast(history, (int) HourlyForecast.HORIZON.toHours()), scale);
        }
        log.debug("Forecast pool {} from {} hours of history", poolId, hours);
        return true;
    }

    /** Scores every run with hours that have happened since its last score. */
    public void score(Instant now) {
        Instant hour = HourlyForecast.hourOf(now);
        for (StoredForecast run : store.unscored(hour)) {
            int elapsed = (int) Math.min(run.perHour().length, Duration.between(run.issuedAt(), hour).toHours());
            if (elapsed <= run.scoredHours()) {
                continue;
            }
            double[] actual = demand.requestCounts(run.poolId(), run.issuedAt(),
                    run.issuedAt().plus(Duration.ofHours(elapsed)), HourlyForecast.INTERVAL);
            store.score(run, Accuracy.of(java.util.Arrays.copyOf(run.perHour(), elapsed), actual, run.naiveScale()));
        }
    }

    /** The latest run of {@code model} at {@code now}, made first if this hour's is missing. */
    Optional<StoredForecast> current(UUID poolId, ModelKind model, Instant now) {
        refresh(poolId, now);
        return store.latest(poolId, model, now);
    }

    List<StoredForecast> issued(UUID poolId, Instant from, Instant to) {
        return store.issued(poolId, from, to);
    }
}
