package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * An admin turned session recording of a pool on or off; it applies to connections made from now on.
 *
 * @param recording whether the gateway records every connection to the pool's desktops
 * @param changedBy who changed it
 */
@Revision("1")
public record PoolRecordingChangedEvent(UUID poolId, boolean recording, String changedBy) {
}
