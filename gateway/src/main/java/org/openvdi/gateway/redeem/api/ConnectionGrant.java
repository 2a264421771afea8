package org.openvdi.gateway.redeem.api;

import java.util.Objects;
import java.util.UUID;

/**
 * The broker's answer to a redeemed token: whose session it is and where its display is.
 * The endpoint and password stay in the gateway; they never reach the browser.
 *
 * @param sessionId session the token was issued for
 * @param desktopId desktop assigned to that session
 * @param userName  employee who owns the session
 * @param protocol  guacd protocol of the display, {@code vnc}
 * @param hostname  host of the display server
 * @param port      port of the display server
 * @param password  display password, may be {@code null} when the display has none
 */
public record ConnectionGrant(UUID sessionId, UUID desktopId, String userName, String protocol,
                              String hostname, int port, String password) {

    public ConnectionGrant {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(desktopId, "desktopId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostname, "hostname");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Leaves the password out, so that a grant can be logged. */
    @Override
    public String toString() {
        return "ConnectionGrant[sessionId=" + sessionId + ", desktopId=" + desktopId + ", userName=" + userName
                + ", protocol=" + protocol + ", hostname=" + hostname + ", port=" + port + "]";
    }
}
