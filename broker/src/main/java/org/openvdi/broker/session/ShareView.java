package org.openvdi.broker.session;

import java.time.Instant;
import java.util.UUID;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.session.api.ShareState;

/**
 * One share link of a session as its user and admins see it: never its secret. {@code link} is set only in the
 * answer that made it, the one time the secret is shown.
 *
 * @param viewer   the one user who may join, null for any signed-in employee
 * @param joinedBy who opened the link, null while unused
 * @param watching whether that viewer's tunnel is open
 */
public record ShareView(UUID id, UUID sessionId, String owner, ShareMode mode, ShareState state, String viewer,
                        Instant expiresAt, Instant createdAt, String joinedBy, String joinedFrom, Instant joinedAt,
                        boolean watching, Instant endedAt, String link) {

    ShareView withLink(String link) {
        return new ShareView(id, sessionId, owner, mode, state, viewer, expiresAt, createdAt, joinedBy, joinedFrom,
                joinedAt, watching, endedAt, link);
    }
}
