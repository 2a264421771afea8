package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record DesktopProvisioningRequestedEvent(UUID desktopId, UUID poolId, UUID hostId, UUID templateId, int templateVersion, String owner) {
}
