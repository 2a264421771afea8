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
 * Makes, stores and scores the forecasts of a pool: at each hour, every model forecasts the session requests of each
 * quarter hour of the next 48 hours from up to 8 weeks of whole past hours (none with less than 24 hours of history);
 * later, each run is scored against the requests of the quarter hours that have happened since. Idempotent: a run is
 * made once per pool, model and hour, whichever broker or request asks first.
 */
@Component
public class Forecasts {

    private static final Logger log = LoggerFactory.getLogger(Forecasts.class);
    static final List<DemandModel> MODELS = List.of(new SeasonalNaive(DemandForecast.SEASONS),
            new HoltWinters(DemandForecast.SEASONS));
    static final int HORIZON = DemandForecast.intervals(DemandForecast.HORIZON);

    private final DemandQueries demand;
    private final ForecastStore store;

    Forecasts(DemandQueries demand, ForecastStore store) {
        this.demand = demand;
        this.store = store;
    }

    /** The whole hours of history a forecast issued at {@code at} has: from the first request's hour, at most 8 weeks. */
    int historyHours(UUID poolId, Instant at) {
        Optional<Instant> first = demand.firstRequest(poolId);
        if (first.isEmpty() || !first.get().isBefore(at)) {
            return 0;
        }
        long hours = Duration.between(DemandForecast.hourOf(first.get()), at).toHours();
        return (int) Math.min(hours, DemandForecast.MAX_HISTORY.toHours());
    }

    /** Makes the runs of the hour of {@code now} unless they exist; answers whether there was history enough. */
    public boolean refresh(UUID poolId, Instant now) {
        Instant issued = DemandForecast.hourOf(now);
        if (store.has(poolId, issued)) {
            return true;
        }
        int hours = historyHours(poolId, issued);
        if (hours < DemandForecast.MIN_HISTORY.toHours()) {
            return false;
        }
        double[] history = demand.requestCounts(poolId, issued.minus(Duration.ofHours(hours)), issued,
                DemandForecast.INTERVAL);
        double scale = Accuracy.naiveScale(history, DemandForecast.SEASONS);
        for (DemandModel model : MODELS) {
            store.save(poolId, model.kind(), issued, hours, model.forecast(history, HORIZON), scale);
        }
        log.debug("Forecast pool {} from {} hours of history", poolId, hours);
        return true;
    }

    /** Scores every run with quarter hours that have happened since its last score. */
    public void score(Instant now) {
        Instant interval = DemandForecast.intervalOf(now);
        for (StoredForecast run : store.unscored(interval)) {
            int elapsed = Math.min(run.perInterval().length,
                    DemandForecast.intervals(Duration.between(run.issuedAt(), interval)));
            if (elapsed <= run.scoredIntervals()) {
                continue;
            }
            double[] actual = demand.requestCounts(run.poolId(), run.issuedAt(),
                    run.issuedAt().plus(DemandForecast.INTERVAL.multipliedBy(elapsed)), DemandForecast.INTERVAL);
            store.score(run, Accuracy.of(java.util.Arrays.copyOf(run.perInterval(), elapsed), actual, run.naiveScale()));
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
