package org.openvdi.gateway.telemetry.api;

/** What happened to a tunnel. */
public enum ConnectionEventType {
    OPENED,
    CLOSED
}
