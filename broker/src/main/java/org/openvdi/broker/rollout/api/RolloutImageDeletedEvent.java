package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record RolloutImageDeletedEvent(UUID rolloutId, UUID hostId, UUID templateId, int version, String sha256) {
}
