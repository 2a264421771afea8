package org.openvdi.broker.session;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;

/** One session as its user, admins and auditors see it. {@code connectUrl} is set only when freshly issued. */
public record SessionView(UUID id, UUID poolId, String user, SessionState state, UUID desktopId, String reason,
                          Instant requestedAt, Instant assignedAt, Instant connectedAt, Instant disconnectedAt,
                          Instant endedAt, String connectUrl) {

    public SessionView withConnectUrl(String url) {
        return new SessionView(id, poolId, user, state, desktopId, reason, requestedAt, assignedAt, connectedAt,
                disconnectedAt, endedAt, url);
    }
}
