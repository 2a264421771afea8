package org.openvdi.broker.session.api;

import java.util.UUID;

/** The token was good: whose session it is and which desktop to connect to. */
public record RedemptionAccepted(UUID sessionId, UUID desktopId, String user) implements RedemptionOutcome {
}
