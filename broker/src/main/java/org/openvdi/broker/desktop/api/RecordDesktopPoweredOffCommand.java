package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A persistent desktop nobody uses is shut down (at logoff, or after its user stayed disconnected), for a reason. */
public record RecordDesktopPoweredOffCommand(@TargetAggregateIdentifier UUID desktopId, String reason) {

    /** Shut down after its session ended in a pool that powers desktops off at logoff. */
    public RecordDesktopPoweredOffCommand(UUID desktopId) {
        this(desktopId, "session ended");
    }
}
