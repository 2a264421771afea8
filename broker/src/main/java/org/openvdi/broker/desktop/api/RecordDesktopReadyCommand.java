package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Its display answered the RFB handshake. */
public record RecordDesktopReadyCommand(@TargetAggregateIdentifier UUID desktopId, String displayHost, int displayPort, long millis) {
}
