package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The session is over. */
public record ReleaseDesktopCommand(@TargetAggregateIdentifier UUID desktopId, UUID sessionId) {
}
