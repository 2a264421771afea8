package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Creates a desktop pool.
 *
 * @param recording whether the gateway records every connection to the pool's desktops
 * @param sessionLimits limits on its sessions and the power action for disconnected desktops (null: none)
 */
public record CreatePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SessionLimits sessionLimits) {

    /** A pool without session limits. */
    public CreatePoolCommand(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, recording, null);
    }

    /** A pool that does not record its sessions. */
    public CreatePoolCommand(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, false);
    }
}
