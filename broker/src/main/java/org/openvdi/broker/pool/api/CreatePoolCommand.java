package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.spare.SparePolicy;

/**
 * Creates a desktop pool.
 *
 * @param recording     whether the gateway records every connection to the pool's desktops
 * @param sparePolicy   how many spares it keeps warm; null for {@code STATIC(minSpare)}. When given, the pool's
 *                      {@code minSpare} becomes the policy's baseline ({@link SparePolicy#baseline()})
 * @param sessionLimits limits on its sessions and the power action for disconnected desktops (null: none)
 * @param hostSelector  the host selector's terms ({@link org.openvdi.broker.host.api.HostSelector}); null or empty:
 *                      any host
 */
public record CreatePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SparePolicy sparePolicy, SessionLimits sessionLimits, Set<String> hostSelector) {

    /** A pool whose desktops go to any host. */
    public CreatePoolCommand(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SparePolicy sparePolicy, SessionLimits sessionLimits) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, recording, sparePolicy, sessionLimits, null);
    }

    /** A pool with this spare policy and no session limits. */
    public CreatePoolCommand(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording, SparePolicy sparePolicy) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, recording, sparePolicy, (SessionLimits) null);
    }

    /** A pool with a static spare count of {@code minSpare} and no session limits. */
    public CreatePoolCommand(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, boolean recording) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, recording, (SparePolicy) null);
    }

    /** A pool that does not record its sessions. */
    public CreatePoolCommand(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, false);
    }
}
