package org.openvdi.contract;

/** What happened to a tunnel. */
public enum ConnectionEventType {
    OPENED,
    CLOSED
}
