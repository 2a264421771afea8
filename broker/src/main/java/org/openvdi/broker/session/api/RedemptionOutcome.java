package org.openvdi.broker.session.api;

/** What a session answers to {@link RedeemConnectionTokenCommand}: accepted or refused, recorded either way. */
public sealed interface RedemptionOutcome permits RedemptionAccepted, RedemptionRefused {
}
