package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.spare.SparePolicy;

/**
 * A pool's sizes, power policy and spare policy were set.
 *
 * @param powerPolicy revision 2 renamed {@code POWER_OFF_WHEN_IDLE} to {@link PowerPolicy#POWER_OFF_AT_LOGOFF}; older
 *                    events are upcast
 * @param sparePolicy revision 2; events of revision 1 have none and read as {@code STATIC(minSpare)}
 */
@Revision("2")
public record PoolReconfiguredEvent(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, String changedBy, SparePolicy sparePolicy) {

    public PoolReconfiguredEvent {
        if (sparePolicy == null) {
            sparePolicy = new SparePolicy.Static(minSpare);
        }
    }

    /** A reconfiguration to a static spare count of {@code minSpare}. */
    public PoolReconfiguredEvent(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, String changedBy) {
        this(poolId, name, minSpare, maxSize, powerPolicy, changedBy, null);
    }
}
