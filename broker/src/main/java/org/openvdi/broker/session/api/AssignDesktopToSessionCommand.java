package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The session got its desktop. */
public record AssignDesktopToSessionCommand(@TargetAggregateIdentifier UUID sessionId, UUID desktopId) {
}
