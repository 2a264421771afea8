package org.openvdi.broker.session.api;

import org.openvdi.broker.error.ErrorCode;

/**
 * The token was refused: {@code code} is the business error code the gateway gets (TOKEN_EXPIRED,
 * TOKEN_ALREADY_USED, SESSION_ENDED, ...), {@code message} says why in words.
 */
public record RedemptionRefused(ErrorCode code, String message) implements RedemptionOutcome {
}
