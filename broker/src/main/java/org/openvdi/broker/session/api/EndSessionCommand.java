package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Logoff, timeout or an admin ends the session. */
public record EndSessionCommand(@TargetAggregateIdentifier UUID sessionId, String reason, String by) {
}
