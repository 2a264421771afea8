package org.openvdi.broker.backtest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A backtest's answer: its id, who ran it and when, the period, the recorded requests replayed, the measured lead
 * times used (their count and median), the pool's maximum size and the hosts' room for it at the end of the period,
 * how long it took, and each policy's result in the order asked.
 */
public record BacktestReport(UUID id, UUID poolId, String requestedBy, Instant requestedAt, Instant from, Instant to,
                             int requests, int leadTimes, double leadTimeP50Seconds, int maxSize, long millis,
                             List<PolicyResult> results) {

    /** The same report, as recorded. */
    BacktestReport recorded(UUID id, String requestedBy, Instant requestedAt) {
        return new BacktestReport(id, poolId, requestedBy, requestedAt, from, to, requests, leadTimes,
                leadTimeP50Seconds, maxSize, millis, results);
    }
}
