package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.hypervisor.UserDiskFate;

/**
 * Marks the desktop for destruction.
 *
 * @param userDisk what becomes of a persistent desktop's user disk when it is destroyed (a pool's deletion may keep
 *                 them); every other recycling deletes it with the desktop
 */
public record RecycleDesktopCommand(@TargetAggregateIdentifier UUID desktopId, String reason, UserDiskFate userDisk) {

    /** A recycling that deletes the desktop's user disk with it, if it has one. */
    public RecycleDesktopCommand(UUID desktopId, String reason) {
        this(desktopId, reason, UserDiskFate.DELETE);
    }
}
