package org.openvdi.broker.rollout.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Resumes a paused rollout; its failure count starts again from zero. */
public record ResumeRolloutCommand(@TargetAggregateIdentifier UUID rolloutId) {
}
