package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** New desktops of the pool use {@code version} from now on; only the pool's rollout may say so. */
public record ChangePoolTemplateVersionCommand(@TargetAggregateIdentifier UUID poolId, UUID rolloutId, int version) {
}
