package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A pool's session limits and power action for disconnected desktops changed (a pool without this event has none). */
@Revision("1")
public record PoolSessionLimitsChangedEvent(UUID poolId, SessionLimits limits, String changedBy) {
}
