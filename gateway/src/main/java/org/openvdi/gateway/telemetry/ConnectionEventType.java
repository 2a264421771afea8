package org.openvdi.gateway.telemetry;

/** What happened to a tunnel. */
public enum ConnectionEventType {
    OPENED,
    CLOSED
}
