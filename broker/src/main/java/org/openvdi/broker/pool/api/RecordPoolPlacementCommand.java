package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Whether the pool's desktops can be placed: {@code problem} says why none can (no host matches its selector, or
 * none that matches has room); null when they can again.
 */
public record RecordPoolPlacementCommand(@TargetAggregateIdentifier UUID poolId, String problem) {
}
