package org.openvdi.broker.pool.api;

/**
 * What a persistent desktop does when its session ends (logoff, or a timeout or limit ends it): keep running, or
 * shut down and start again on the next request. What it does after its user has been disconnected for a while
 * is the pool's {@link SessionLimits#disconnectedAction()}.
 *
 * <p>{@code POWER_OFF_AT_LOGOFF} was called {@code POWER_OFF_WHEN_IDLE} until pool events of revision 3
 * ({@link PoolCreatedEvent}) and 2 ({@link PoolReconfiguredEvent}). Older events are rewritten on reading by
 * {@code pool/PowerPolicyUpcaster}. The REST API refuses the old name (400 {@code VALIDATION_FAILED}, "Invalid
 * value for powerPolicy") rather than guess: a client that sends it learns at once that the name changed.
 */
public enum PowerPolicy {
    KEEP_RUNNING,
    POWER_OFF_AT_LOGOFF
}
