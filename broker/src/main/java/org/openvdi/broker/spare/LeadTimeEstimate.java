package org.openvdi.broker.spare;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The measured provisioning lead time of a pool (request to READY), which a PREDICTIVE policy looks ahead by;
 * implemented elsewhere from the demand history. Empty when nothing has been measured yet (the configured lead
 * time applies then).
 */
@FunctionalInterface
public interface LeadTimeEstimate {

    Optional<Duration> leadTime(UUID poolId);
}
