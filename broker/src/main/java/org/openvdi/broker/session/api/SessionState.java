package org.openvdi.broker.session.api;

/** One employee's use of one desktop. */
public enum SessionState {
    REQUESTED, READY, CONNECTED, DISCONNECTED, ENDED, FAILED;

    public boolean open() {
        return this != ENDED && this != FAILED;
    }
}
