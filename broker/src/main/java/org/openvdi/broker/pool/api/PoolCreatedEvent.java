package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record PoolCreatedEvent(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, String createdBy) {
}
