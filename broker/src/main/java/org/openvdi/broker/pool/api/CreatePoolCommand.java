package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates a desktop pool. */
public record CreatePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups) {
}
