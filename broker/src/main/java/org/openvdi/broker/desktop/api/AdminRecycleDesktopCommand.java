package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * An admin asks for the desktop to be destroyed (a floating pool then provisions a fresh spare in its place).
 * Refused while a session uses it; a persistent desktop, whose user disk goes with it, only with {@code force}.
 */
public record AdminRecycleDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String by, boolean force) {
}
