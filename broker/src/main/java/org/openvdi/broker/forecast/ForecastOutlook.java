package org.openvdi.broker.forecast;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.openvdi.broker.spare.DemandOutlook;
import org.springframework.stereotype.Component;

/**
 * The live pool's outlook for a PREDICTIVE spare policy: the stored Holt-Winters forecast of the hour (made if missing;
 * its values are per quarter hour), kept in memory until the hour turns. No forecast (less than 24 hours of history, or a moment beyond its
 * 48 hours) answers NaN, and the policy falls back to its minimum.
 */
@Component
class ForecastOutlook implements DemandOutlook {

    private final Forecasts forecasts;
    private final Map<UUID, DemandForecast> byPool = new ConcurrentHashMap<>();

    ForecastOutlook(Forecasts forecasts) {
        this.forecasts = forecasts;
    }

    @Override
    public double expectedRequests(UUID poolId, Instant from, Duration within) {
        Instant hour = DemandForecast.hourOf(from);
        DemandForecast cached = byPool.get(poolId);
        if (cached == null || !cached.start().equals(hour)) {
            cached = forecasts.current(poolId, ModelKind.HOLT_WINTERS, from).map(StoredForecast::forecast).orElse(null);
            if (cached == null) {
                byPool.remove(poolId);
                return Double.NaN;
            }
            byPool.put(poolId, cached);
        }
        return cached.expectedRequests(from, within);
    }
}
