package org.openvdi.broker.session.api;

import java.util.UUID;

/**
 * The token was good: whose session it is and which desktop to connect to.
 *
 * @param user the user the token was issued to: the session's own, or a viewer who joined through a share link
 * @param mode null for the session's own user; what a viewer may do otherwise
 * @param shareId null for the session's own user; the share link a viewer's token belongs to otherwise
 */
public record RedemptionAccepted(UUID sessionId, UUID desktopId, String user, ShareMode mode, UUID shareId)
        implements RedemptionOutcome {

    /** The session's own user connects. */
    public RedemptionAccepted(UUID sessionId, UUID desktopId, String user) {
        this(sessionId, desktopId, user, null, null);
    }

    /** A viewer joins through share {@code shareId}. */
    public static RedemptionAccepted viewer(UUID sessionId, UUID desktopId, String user, ShareMode mode, UUID shareId) {
        return new RedemptionAccepted(sessionId, desktopId, user, mode, shareId);
    }
}
