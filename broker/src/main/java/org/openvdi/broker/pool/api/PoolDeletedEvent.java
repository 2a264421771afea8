package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A drained pool's last desktop is gone: the pool is deleted, and its name is free for another pool. */
@Revision("1")
public record PoolDeletedEvent(UUID poolId, String name) {
}
