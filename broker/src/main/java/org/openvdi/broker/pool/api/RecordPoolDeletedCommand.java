package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The drain process found the draining pool without desktops or open sessions: the pool is deleted. */
public record RecordPoolDeletedCommand(@TargetAggregateIdentifier UUID poolId) {
}
