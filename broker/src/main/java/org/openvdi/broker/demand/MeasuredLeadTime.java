package org.openvdi.broker.demand;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.spare.LeadTimeEstimate;
import org.springframework.stereotype.Component;

/**
 * The lead time a live PREDICTIVE policy looks ahead by: the median of the pool's last 100 provisionings, request to
 * READY, from the demand history. A backtest looks ahead by the same estimate as of its period's start.
 */
@Component
class MeasuredLeadTime implements LeadTimeEstimate {

    private final DemandQueries demand;
    private final Clock clock = Clock.systemUTC();

    MeasuredLeadTime(DemandQueries demand) {
        this.demand = demand;
    }

    @Override
    public Optional<Duration> leadTime(UUID poolId) {
        return demand.medianLeadTime(poolId, clock.instant());
    }
}
