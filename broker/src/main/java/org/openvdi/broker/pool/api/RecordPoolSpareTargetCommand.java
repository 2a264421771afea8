package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.spare.TargetReason;

/** Records the spare target the capacity process computed; a no-op when it is the pool's current one. */
public record RecordPoolSpareTargetCommand(@TargetAggregateIdentifier UUID poolId, int spares, TargetReason reason,
                                           boolean forecastOnly) {
}
