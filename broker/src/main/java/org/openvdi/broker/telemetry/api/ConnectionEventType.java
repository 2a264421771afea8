package org.openvdi.broker.telemetry.api;

/** What happened to a gateway's tunnel. */
public enum ConnectionEventType {
    OPENED, CLOSED
}
