package org.openvdi.broker.telemetry;

/** A telemetry record that can never be recorded (missing fields, text that is not printable); retrying it does not help. */
class InvalidTelemetryException extends IllegalArgumentException {

    InvalidTelemetryException(String message) {
        super(message);
    }
}
