package org.openvdi.broker.backtest.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * An admin ran a backtest of spare policies on a pool's recorded demand: the period, what was replayed, and each
 * policy as asked with its figures.
 *
 * @param requestedBy who ran it
 * @param requests    the recorded requests of the period that were replayed
 * @param leadTimes   the measured provisioning lead times used, with their median in seconds
 * @param maxSize     the pool's maximum size at the time
 * @param millis      how long the simulation took
 */
@Revision("1")
public record BacktestRecordedEvent(UUID backtestId, UUID poolId, String requestedBy, Instant from, Instant to,
                                    int requests, int leadTimes, double leadTimeP50Seconds, int maxSize, long millis,
                                    List<BacktestPolicyFigures> results) {
}
