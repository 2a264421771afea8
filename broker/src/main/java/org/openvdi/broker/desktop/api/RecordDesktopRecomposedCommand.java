package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The recomposing desktop's old domain and system disk are gone from its host: it is provisioned again. */
public record RecordDesktopRecomposedCommand(@TargetAggregateIdentifier UUID desktopId) {
}
