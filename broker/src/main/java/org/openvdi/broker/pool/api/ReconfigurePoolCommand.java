package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.spare.SparePolicy;

/**
 * Changes a pool's sizes, power policy, spare policy, entitlements and whether its sessions are recorded.
 *
 * @param recording     whether the gateway records every connection to the pool's desktops from now on
 * @param sparePolicy   how many spares it keeps warm; null for {@code STATIC(minSpare)}
 * @param sessionLimits limits on its sessions and the power action for disconnected desktops (null: none)
 * @param hostSelector  the host selector's terms; null or empty: any host
 */
public record ReconfigurePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SparePolicy sparePolicy, SessionLimits sessionLimits, Set<String> hostSelector) {

    /** A reconfiguration that lets the pool use any host. */
    public ReconfigurePoolCommand(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SparePolicy sparePolicy, SessionLimits sessionLimits) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, sparePolicy, sessionLimits, null);
    }

    /** A reconfiguration with this spare policy that leaves the pool without session limits. */
    public ReconfigurePoolCommand(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SparePolicy sparePolicy) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, sparePolicy, (SessionLimits) null);
    }

    /** A reconfiguration to a static spare count of {@code minSpare}, without session limits. */
    public ReconfigurePoolCommand(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, (SparePolicy) null);
    }

    /** A reconfiguration of a pool that does not record its sessions. */
    public ReconfigurePoolCommand(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, false);
    }
}
