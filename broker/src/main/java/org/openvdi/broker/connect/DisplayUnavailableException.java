package org.openvdi.broker.connect;

/** The session's desktop has no display a gateway could connect to; the message says why. */
class DisplayUnavailableException extends Exception {

    DisplayUnavailableException(String message) {
        super(message);
    }

    DisplayUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
