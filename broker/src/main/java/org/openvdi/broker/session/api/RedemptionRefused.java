package org.openvdi.broker.session.api;

import org.openvdi.broker.error.ErrorCode;

/** The token was refused, for the reason given by the code and the message. */
public record RedemptionRefused(ErrorCode code, String message) implements RedemptionOutcome {
}
