package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A host may take the pool's desktops again. */
@Revision("1")
public record PoolPlacementRestoredEvent(UUID poolId) {
}
