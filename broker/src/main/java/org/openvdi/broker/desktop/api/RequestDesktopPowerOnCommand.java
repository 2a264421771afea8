package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A powered-off persistent desktop is needed again. */
public record RequestDesktopPowerOnCommand(@TargetAggregateIdentifier UUID desktopId) {
}
