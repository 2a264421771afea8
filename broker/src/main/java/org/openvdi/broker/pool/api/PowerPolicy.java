package org.openvdi.broker.pool.api;

/** What a persistent desktop does between sessions: keep running, or shut down and start again on the next request. */
public enum PowerPolicy {
    KEEP_RUNNING, POWER_OFF_WHEN_IDLE
}
