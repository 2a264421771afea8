package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Suspend a persistent desktop that nobody uses: its memory is saved to its host's disk (libvirt managed save) and
 * its VM stops; the next power-on restores it as it was. A no-op for a desktop that is suspending or suspended.
 *
 * @param reason why, for the audit trail (the pool's power policy after a disconnect, say)
 */
public record SuspendDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String reason) {
}
