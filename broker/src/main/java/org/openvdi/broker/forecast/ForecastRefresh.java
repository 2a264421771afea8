package org.openvdi.broker.forecast;

import java.time.Clock;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Refreshes every pool's forecast and scores the past ones on a schedule ({@code openvdi.forecast.refresh}, hourly by
 * default), on one broker at a time. A pool whose forecast fails is logged and skipped; the others go on.
 */
@Component
class ForecastRefresh {

    private static final Logger log = LoggerFactory.getLogger(ForecastRefresh.class);

    private final Forecasts forecasts;
    private final PoolQueries pools;
    private final ClusterLock lock;
    private final Clock clock = Clock.systemUTC();

    ForecastRefresh(Forecasts forecasts, PoolQueries pools, ClusterLock lock) {
        this.forecasts = forecasts;
        this.pools = pools;
        this.lock = lock;
    }

    @Scheduled(fixedDelayString = "${openvdi.forecast.refresh:1h}", initialDelayString = "${openvdi.forecast.initial-delay:1m}")
    void refresh() {
        lock.runWhenFree("forecast-refresh", () -> {
            for (PoolView pool : pools.all()) {
                try {
                    forecasts.refresh(pool.id(), clock.instant());
                } catch (RuntimeException e) {
                    log.error("Forecasting pool {} failed", pool.id(), e);
                }
            }
            try {
                forecasts.score(clock.instant());
            } catch (RuntimeException e) {
                log.error("Scoring the forecasts failed", e);
            }
        });
    }
}
