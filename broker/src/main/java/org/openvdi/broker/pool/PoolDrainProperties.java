package org.openvdi.broker.pool;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a pool's deletion treats the sessions still open in it.
 *
 * @param defaultDeadline how long open sessions are given when {@code DELETE /api/pools/{id}} names no deadline
 * @param maxDeadline     the furthest deadline a deletion may set
 */
@ConfigurationProperties("openvdi.pools.drain")
public record PoolDrainProperties(@DefaultValue("15m") Duration defaultDeadline, @DefaultValue("7d") Duration maxDeadline) {
}
