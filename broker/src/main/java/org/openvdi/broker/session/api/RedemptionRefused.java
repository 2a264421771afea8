package org.openvdi.broker.session.api;

/**
 * The token was refused: {@code code} is the business error code the gateway gets (TOKEN_EXPIRED,
 * TOKEN_ALREADY_USED, SESSION_ENDED, ...), {@code message} says why in words.
 */
public record RedemptionRefused(String code, String message) implements RedemptionOutcome {
}
