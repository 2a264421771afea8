package org.openvdi.broker.spare;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Expected session requests for a pool in {@code [from, from + within)}; implemented elsewhere from the forecast.
 * A backtest implements it from the history before each simulated moment only (no look-ahead).
 */
@FunctionalInterface
public interface DemandOutlook {

    /**
     * The expected number of session requests for the pool in the interval; never negative. A value that is
     * not a finite number means "no forecast" (the policy then falls back to its {@code minSpare}).
     */
    double expectedRequests(UUID poolId, Instant from, Duration within);
}
