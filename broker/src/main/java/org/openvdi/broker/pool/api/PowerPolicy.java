package org.openvdi.broker.pool.api;

import com.fasterxml.jackson.annotation.JsonAlias;

/**
 * What a persistent desktop does when its session ends (logoff, or a timeout or limit ends it): keep running, or
 * shut down and start again on the next request. What it does after its user has been disconnected for a while
 * is the pool's {@link SessionLimits#disconnectedAction()}.
 *
 * <p>{@code POWER_OFF_AT_LOGOFF} was called {@code POWER_OFF_WHEN_IDLE} until pool events of revision 3
 * ({@link PoolCreatedEvent}) and 2 ({@link PoolReconfiguredEvent}). Older events are rewritten on reading by
 * {@code pool/PowerPolicyUpcaster}; the REST API still accepts the old name as an alias and always answers the
 * new one.
 */
public enum PowerPolicy {
    KEEP_RUNNING,
    @JsonAlias("POWER_OFF_WHEN_IDLE")
    POWER_OFF_AT_LOGOFF
}
