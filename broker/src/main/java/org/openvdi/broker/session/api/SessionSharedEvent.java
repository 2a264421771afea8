package org.openvdi.broker.session.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * The session's user made a one-time share link.
 *
 * @param tokenHash SHA-256 (hex) of the link's secret
 * @param viewer    the one user who may join, or null for any signed-in employee who has the link
 * @param by        who shared (the session's user)
 */
@Revision("1")
public record SessionSharedEvent(UUID sessionId, UUID shareId, String tokenHash, ShareMode mode, Instant expiresAt,
                                 String viewer, String by) {
}
