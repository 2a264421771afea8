package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record HostDeletedEvent(UUID hostId, String deletedBy) {
}
