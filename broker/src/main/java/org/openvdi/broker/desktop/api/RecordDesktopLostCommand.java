package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The VM vanished or stopped behind the broker's back. */
public record RecordDesktopLostCommand(@TargetAggregateIdentifier UUID desktopId, String reason) {
}
