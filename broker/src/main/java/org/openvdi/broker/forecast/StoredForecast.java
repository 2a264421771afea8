package org.openvdi.broker.forecast;

import java.time.Instant;
import java.util.UUID;

/** A stored forecast run of one model, with its accuracy on the hours that have happened since (null before any). */
public record StoredForecast(UUID poolId, ModelKind model, Instant issuedAt, int historyHours, double[] perHour,
                             double naiveScale, int scoredHours, Accuracy accuracy) {

    HourlyForecast hourly() {
        return new HourlyForecast(issuedAt, perHour);
    }
}
