package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record PoolTemplateVersionChangedEvent(UUID poolId, UUID rolloutId, int fromVersion, int toVersion) {
}
