package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Starts provisioning one desktop on a host. */
public record RequestDesktopProvisioningCommand(@TargetAggregateIdentifier UUID desktopId, UUID poolId, UUID hostId, UUID templateId, int templateVersion, String owner) {
}
