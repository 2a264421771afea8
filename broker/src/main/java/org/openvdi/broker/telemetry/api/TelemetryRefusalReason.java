package org.openvdi.broker.telemetry.api;

/** Why a gateway's telemetry record was not recorded on a session. */
public enum TelemetryRefusalReason {
    /** The record carries no connection id, or one the broker never handed out at a redemption. */
    UNKNOWN_CONNECTION,
    /** The connection was redeemed by another gateway than the one the record names. */
    WRONG_GATEWAY,
    /** The connection belongs to another session than the one the record names. */
    WRONG_SESSION
}
