package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An admin shuts a persistent desktop nobody uses down; its definition and disks stay. */
public record AdminPowerOffDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String by) {
}
