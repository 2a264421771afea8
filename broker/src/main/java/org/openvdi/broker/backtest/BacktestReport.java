package org.openvdi.broker.backtest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A backtest's answer: the period, the recorded requests replayed, the measured lead times used (their count and
 * median), how long it took, and each policy's result in the order asked.
 */
public record BacktestReport(UUID poolId, Instant from, Instant to, int requests, int leadTimes,
                             double leadTimeP50Seconds, int maxSize, long millis, List<PolicyResult> results) {
}
