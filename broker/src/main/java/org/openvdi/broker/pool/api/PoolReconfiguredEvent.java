package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A pool's name, sizes or power policy changed (revision 2 renamed {@code POWER_OFF_WHEN_IDLE} to
 * {@link PowerPolicy#POWER_OFF_AT_LOGOFF}; older events are upcast).
 */
@Revision("2")
public record PoolReconfiguredEvent(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, String changedBy) {
}
