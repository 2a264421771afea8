package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The version this rollout moved away from was deleted from a host's storage pool. */
public record RecordImageDeletedCommand(@TargetAggregateIdentifier UUID rolloutId, UUID hostId, UUID templateId, int version, String sha256) {
}
