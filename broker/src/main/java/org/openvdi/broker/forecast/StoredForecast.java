package org.openvdi.broker.forecast;

import java.time.Instant;
import java.util.UUID;

/**
 * A stored forecast run of one model: requests per {@link DemandForecast#INTERVAL} from {@code issuedAt}, with its
 * accuracy on the intervals that have happened since (null before any).
 */
public record StoredForecast(UUID poolId, ModelKind model, Instant issuedAt, int historyHours, double[] perInterval,
                             double naiveScale, int scoredIntervals, Accuracy accuracy) {

    DemandForecast forecast() {
        return new DemandForecast(issuedAt, perInterval);
    }
}
