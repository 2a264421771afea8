package org.openvdi.broker.pool.api;

/** FLOATING desktops are recycled after each session; PERSISTENT ones stay with their user. */
public enum PoolType {
    FLOATING, PERSISTENT
}
