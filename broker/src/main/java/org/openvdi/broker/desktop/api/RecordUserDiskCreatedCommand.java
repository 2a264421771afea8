package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The persistent desktop's user disk ({@code vdi-<id>-user.qcow2}) was created on its host, {@code sizeGiB} large. */
public record RecordUserDiskCreatedCommand(@TargetAggregateIdentifier UUID desktopId, int sizeGiB, long millis) {
}
