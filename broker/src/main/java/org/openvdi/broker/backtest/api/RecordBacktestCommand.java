package org.openvdi.broker.backtest.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Records a backtest that was run: the pool, the period replayed, what it replayed (requests, measured lead times and
 * their median, the pool's maximum size), how long it took, and each policy with its figures, in the order asked. The
 * admin who ran it is in the message metadata.
 */
public record RecordBacktestCommand(@TargetAggregateIdentifier UUID backtestId, UUID poolId, Instant from, Instant to,
                                    int requests, int leadTimes, double leadTimeP50Seconds, int maxSize, long millis,
                                    List<BacktestPolicyFigures> results) {

    public RecordBacktestCommand {
        results = List.copyOf(results);
    }
}
