package org.openvdi.broker.pool.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.spare.TargetReason;

/**
 * The pool's spare target changed: recorded once per change (of the count, its reason or the forecast-only mode),
 * never once per capacity tick.
 *
 * @param from         the previous target, null for the pool's first
 * @param to           the new target
 * @param forecastOnly whether {@code to} is only what a forecast-only predictive policy would use; the pool then
 *                     keeps the policy's {@code minSpare}
 */
@Revision("1")
public record PoolSpareTargetChangedEvent(UUID poolId, Integer from, int to, TargetReason reason, boolean forecastOnly) {
}
