package org.openvdi.broker.connect;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

/**
 * The answer to a redeemed token: whose session it is, where its display is, and the next one-time
 * resume token. Goes to the gateway only, never to a browser, apart from the resume token, which the
 * gateway hands to the page; the password is read live from the hypervisor and stored nowhere.
 */
@Schema(description = "What a gateway needs to connect a browser to the session's desktop. The endpoint and "
        + "password never reach the browser; the resume token does, for reconnecting in place.")
record ConnectionGrant(UUID sessionId, UUID desktopId, String userName,
                       @Schema(description = "guacd protocol of the display", example = "vnc") String protocol,
                       @Schema(description = "host of the VNC display") String hostname,
                       @Schema(description = "port of the VNC display") int port,
                       @Schema(description = "VNC password, read live from the hypervisor") String password,
                       @Schema(description = "a fresh one-time token that reconnects the same session for the "
                               + "same user, presented like a connect token; good while a tunnel of the session "
                               + "is open and for the disconnect timeout after the last one closed; each use "
                               + "issues the next one") String resumeToken,
                       @Schema(description = "a secret id of this connection, for the redeeming gateway only: its "
                               + "OPENED and CLOSED records must carry it and the gateway id it redeemed with, or the "
                               + "broker refuses them") String connectionId) {

    static final String VNC = "vnc";

    /** Leaves the password, the resume token and the connection id out, so that a grant can be logged. */
    @Override
    public String toString() {
        return "ConnectionGrant[sessionId=" + sessionId + ", desktopId=" + desktopId + ", userName=" + userName
                + ", protocol=" + protocol + ", hostname=" + hostname + ", port=" + port + "]";
    }
}
