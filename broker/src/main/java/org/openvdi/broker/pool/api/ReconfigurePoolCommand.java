package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Changes a pool's sizes, power policy, entitlements and whether its sessions are recorded.
 *
 * @param recording whether the gateway records every connection to the pool's desktops from now on
 * @param sessionLimits limits on its sessions and the power action for disconnected desktops (null: none)
 */
public record ReconfigurePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SessionLimits sessionLimits) {

    /** A reconfiguration that leaves the pool without session limits. */
    public ReconfigurePoolCommand(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, null);
    }

    /** A reconfiguration of a pool that does not record its sessions. */
    public ReconfigurePoolCommand(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, false);
    }
}
