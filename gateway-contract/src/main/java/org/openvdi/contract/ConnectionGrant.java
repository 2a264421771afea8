package org.openvdi.contract;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The broker's answer to a redeemed token ({@link RedeemRequest}): whose session it is, where its display is, and
 * the next resume token. The password is read live from the hypervisor and stored nowhere.
 * The endpoint and password stay in the gateway; they never reach the browser. The resume token goes to the
 * browser, which presents it like a connect token to reconnect in place after losing its tunnel.
 *
 * @param sessionId   session the token was issued for
 * @param desktopId   desktop assigned to that session
 * @param userName    employee who owns the session
 * @param protocol    guacd protocol of the display, {@code vnc}
 * @param hostname    host of the display server
 * @param port        port of the display server
 * @param password    display password, may be {@code null} when the display has none
 * @param resumeToken one-time token that reconnects the same session for the same user
 * @param connectionId secret id of this connection, known only to the broker and the redeeming gateway: the
 *                     telemetry records about the connection carry it, or the broker refuses them
 * @param recordingName null when the connection is not recorded; otherwise the name of the file guacd records the
 *                      connection into ({@code recording-name}), in the gateway's recording path: made of the
 *                      broker's ids only (letters, digits, '-', '_' and '.', not starting with '.')
 * @param viewerAccess  null when the session's own user connects; otherwise {@code userName} is a viewer who joined
 *                      the session through a share link: the gateway joins the owner's open guacd connection when
 *                      it carries one, and otherwise opens its own shared connection to the display (guacd's
 *                      {@code read-only} for {@code VIEW}); the grant of a viewer is never recorded
 * @param shareId       set on a viewer's grant: the share link the viewer joined through, which the tunnel belongs to.
 *                      A notice that cuts off the viewers of that share ({@link SessionNotice#shareId()}) closes it,
 *                      and no other viewer tunnel of the same user. Null for the owner, and from older brokers.
 */
public record ConnectionGrant(UUID sessionId, UUID desktopId, String userName, String protocol,
                              String hostname, int port, String password, String resumeToken, String connectionId,
                              String recordingName, ViewerAccess viewerAccess, UUID shareId) {

    /** What a recording name may look like: one plain file name, never a path. */
    public static final Pattern RECORDING_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    /** The guacd protocol of the broker's desktops' displays. */
    public static final String VNC = "vnc";

    public ConnectionGrant {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(desktopId, "desktopId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(resumeToken, "resumeToken");
        Objects.requireNonNull(connectionId, "connectionId");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (recordingName != null && !RECORDING_NAME.matcher(recordingName).matches()) {
            throw new IllegalArgumentException("recordingName is not a plain file name");
        }
    }

    /** A viewer's grant that names no share (from brokers before shares were told apart), or the owner's. */
    public ConnectionGrant(UUID sessionId, UUID desktopId, String userName, String protocol, String hostname, int port,
                           String password, String resumeToken, String connectionId, String recordingName,
                           ViewerAccess viewerAccess) {
        this(sessionId, desktopId, userName, protocol, hostname, port, password, resumeToken, connectionId,
                recordingName, viewerAccess, null);
    }

    /** A grant for the session's own user. */
    public ConnectionGrant(UUID sessionId, UUID desktopId, String userName, String protocol, String hostname, int port,
                           String password, String resumeToken, String connectionId, String recordingName) {
        this(sessionId, desktopId, userName, protocol, hostname, port, password, resumeToken, connectionId,
                recordingName, null);
    }

    /** A grant for a connection that is not recorded. */
    public ConnectionGrant(UUID sessionId, UUID desktopId, String userName, String protocol, String hostname, int port,
                           String password, String resumeToken, String connectionId) {
        this(sessionId, desktopId, userName, protocol, hostname, port, password, resumeToken, connectionId, null);
    }

    /** Whether this grant joins a viewer to the owner's open connection. */
    public boolean joinsShared() {
        return viewerAccess != null;
    }

    /** Whether guacd is to record the connection. */
    public boolean recorded() {
        return recordingName != null;
    }

    /** Leaves the password, the resume token and the connection id out, so that a grant can be logged. */
    @Override
    public String toString() {
        return "ConnectionGrant[sessionId=" + sessionId + ", desktopId=" + desktopId + ", userName=" + userName
                + ", protocol=" + protocol + ", hostname=" + hostname + ", port=" + port + ", recordingName=" + recordingName
                + (viewerAccess == null ? "" : ", viewerAccess=" + viewerAccess)
                + (shareId == null ? "" : ", shareId=" + shareId) + "]";
    }
}
