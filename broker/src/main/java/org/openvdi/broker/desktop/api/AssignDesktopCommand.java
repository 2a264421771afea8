package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Gives a ready desktop to a session; {@code claim} makes the user its owner (persistent pools). */
public record AssignDesktopCommand(@TargetAggregateIdentifier UUID desktopId, UUID sessionId, String user, boolean claim) {
}
