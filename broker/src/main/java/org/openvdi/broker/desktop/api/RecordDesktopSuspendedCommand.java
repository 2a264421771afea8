package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The power process suspended the desktop on its host.
 *
 * @param saved whether its memory is saved (false: its VM had stopped already, without a saved state, and will boot)
 */
public record RecordDesktopSuspendedCommand(@TargetAggregateIdentifier UUID desktopId, boolean saved, long millis) {
}
