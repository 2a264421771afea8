package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The started desktop's QEMU guest agent answered, {@code millis} after its display did. */
public record RecordGuestAgentAnsweredCommand(@TargetAggregateIdentifier UUID desktopId, long millis) {
}
