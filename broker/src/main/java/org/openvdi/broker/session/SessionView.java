package org.openvdi.broker.session;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;

/**
 * One session as its user, admins and auditors see it. {@code connectUrl} is set only when freshly issued;
 * {@code keptUntil}, only while the session is disconnected: when the disconnect timeout ends it unless its user
 * reconnects first.
 */
public record SessionView(UUID id, UUID poolId, String user, SessionState state, UUID desktopId, String reason,
                          Instant requestedAt, Instant assignedAt, Instant connectedAt, Instant disconnectedAt,
                          Instant endedAt, String connectUrl, Instant keptUntil) {

    public SessionView withConnectUrl(String url) {
        return new SessionView(id, poolId, user, state, desktopId, reason, requestedAt, assignedAt, connectedAt,
                disconnectedAt, endedAt, url, keptUntil);
    }

    /** The session with {@code keptUntil} set from the disconnect timeout when it is disconnected. */
    public SessionView keptFor(Duration disconnectTimeout) {
        Instant until = state == SessionState.DISCONNECTED && disconnectedAt != null ? disconnectedAt.plus(disconnectTimeout) : null;
        return new SessionView(id, poolId, user, state, desktopId, reason, requestedAt, assignedAt, connectedAt,
                disconnectedAt, endedAt, connectUrl, until);
    }
}
