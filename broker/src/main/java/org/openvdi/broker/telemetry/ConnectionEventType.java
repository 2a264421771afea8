package org.openvdi.broker.telemetry;

/** What happened to a gateway's tunnel. */
enum ConnectionEventType {
    OPENED, CLOSED
}
