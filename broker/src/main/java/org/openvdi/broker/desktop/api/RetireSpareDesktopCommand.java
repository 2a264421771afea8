package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Recycles a desktop only while it is a spare: READY, unowned and not assigned. The capacity process removes a
 * pool's surplus spares with it; a desktop that a session took meanwhile refuses it ({@code DESKTOP_NOT_AVAILABLE}),
 * and one already recycled or destroyed ignores it.
 */
public record RetireSpareDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String reason) {
}
