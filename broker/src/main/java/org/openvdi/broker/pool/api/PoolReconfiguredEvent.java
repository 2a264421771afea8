package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record PoolReconfiguredEvent(UUID poolId, String name, int minSpare, int maxSize, PowerPolicy powerPolicy, String changedBy) {
}
