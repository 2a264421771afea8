package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.spare.SparePolicy;

/**
 * A pool was created.
 *
 * @param powerPolicy what its persistent desktops do when a session ends (revision 3 renamed
 *                    {@code POWER_OFF_WHEN_IDLE} to {@link PowerPolicy#POWER_OFF_AT_LOGOFF}; older events are upcast)
 * @param recording   whether the gateway records every connection to the pool's desktops (revision 2; events of
 *                    revision 1 have none and read as {@code false})
 * @param sparePolicy how many spares the pool keeps warm (revision 3; events of earlier revisions have none and read
 *                    as {@code STATIC(minSpare)}, which is what the pool did then)
 */
@Revision("3")
public record PoolCreatedEvent(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, String createdBy, boolean recording, SparePolicy sparePolicy) {

    public PoolCreatedEvent {
        if (sparePolicy == null) {
            sparePolicy = new SparePolicy.Static(minSpare);
        }
    }

    /** A pool with a static spare count of {@code minSpare}. */
    public PoolCreatedEvent(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, String createdBy, boolean recording) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, createdBy, recording, null);
    }

    /** A pool that does not record its sessions. */
    public PoolCreatedEvent(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, String createdBy) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, createdBy, false);
    }
}
