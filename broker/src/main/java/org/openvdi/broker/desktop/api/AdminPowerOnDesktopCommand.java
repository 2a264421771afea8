package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An admin powers a resting persistent desktop on (or resumes a suspended one) before its user asks for it. */
public record AdminPowerOnDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String by) {
}
