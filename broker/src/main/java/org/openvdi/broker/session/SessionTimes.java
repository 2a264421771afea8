package org.openvdi.broker.session;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.session.api.SessionState;

/**
 * When an open session with a desktop was assigned, connected, disconnected and last had its user's input: what its
 * pool's limits are measured from.
 *
 * @param lastInputAt the user's last keyboard or mouse input as a gateway reported it; null before the first report
 */
public record SessionTimes(UUID id, UUID poolId, String user, SessionState state, Instant assignedAt,
                           Instant connectedAt, Instant disconnectedAt, Instant lastInputAt) {

    /** Since when the connected user has given no input: the last input, or the connection when none came since. */
    public Instant idleSince() {
        if (lastInputAt == null || connectedAt != null && connectedAt.isAfter(lastInputAt)) {
            return connectedAt;
        }
        return lastInputAt;
    }
}
