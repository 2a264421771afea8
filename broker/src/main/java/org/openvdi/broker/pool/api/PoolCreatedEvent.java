package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A pool was created.
 *
 * @param powerPolicy what its persistent desktops do when a session ends (revision 3 renamed
 *                    {@code POWER_OFF_WHEN_IDLE} to {@link PowerPolicy#POWER_OFF_AT_LOGOFF}; older events are upcast)
 * @param recording whether the gateway records every connection to the pool's desktops (revision 2; events of
 *                  revision 1 have none and read as {@code false})
 */
@Revision("3")
public record PoolCreatedEvent(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, String createdBy, boolean recording) {

    /** A pool that does not record its sessions. */
    public PoolCreatedEvent(UUID poolId, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy, int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups, String createdBy) {
        this(poolId, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups, createdBy, false);
    }
}
