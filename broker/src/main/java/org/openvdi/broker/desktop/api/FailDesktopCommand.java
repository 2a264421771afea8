package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Provisioning or the VM failed. */
public record FailDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String step, String reason) {
}
