package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Changes a pool's sizes, power policy and entitlements. */
public record ReconfigurePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups) {
}
