package org.openvdi.broker.pool.api;

/** What becomes of a persistent desktop its user left: nothing, suspended (memory saved on its host), or shut down. */
public enum PowerAction {
    NONE, SUSPEND, SHUT_DOWN
}
