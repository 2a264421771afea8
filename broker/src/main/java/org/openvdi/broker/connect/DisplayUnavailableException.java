package org.openvdi.broker.connect;

/**
 * The session's desktop has no display a gateway could connect to; the message says why. {@link #unreachable()}
 * tells a desktop whose display is there but cannot be reached now (its host does not answer) from one that is gone.
 */
class DisplayUnavailableException extends Exception {

    private final boolean unreachable;

    DisplayUnavailableException(String message) {
        super(message);
        this.unreachable = false;
    }

    /** The desktop is there, but its host did not answer for its display. */
    DisplayUnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.unreachable = true;
    }

    boolean unreachable() {
        return unreachable;
    }
}
