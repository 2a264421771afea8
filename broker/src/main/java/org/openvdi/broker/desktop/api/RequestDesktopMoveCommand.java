package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Moves a powered-off persistent desktop, with its system and user disks, to another host. */
public record RequestDesktopMoveCommand(@TargetAggregateIdentifier UUID desktopId, UUID toHostId, String reason) {
}
