package org.openvdi.broker.connect;

import java.util.UUID;

/**
 * The answer to a redeemed token: whose session it is and where its display is. Goes to the
 * gateway only, never to a browser; the password is read live from the hypervisor and stored nowhere.
 */
record ConnectionGrant(UUID sessionId, UUID desktopId, String userName, String protocol, String hostname, int port,
                       String password) {

    static final String VNC = "vnc";

    /** Leaves the password out, so that a grant can be logged. */
    @Override
    public String toString() {
        return "ConnectionGrant[sessionId=" + sessionId + ", desktopId=" + desktopId + ", userName=" + userName
                + ", protocol=" + protocol + ", hostname=" + hostname + ", port=" + port + "]";
    }
}
