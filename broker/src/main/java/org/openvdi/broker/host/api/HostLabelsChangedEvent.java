package org.openvdi.broker.host.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A host's labels were set (at registration, or changed later): the whole new set, and who set it. */
@Revision("1")
public record HostLabelsChangedEvent(UUID hostId, Set<String> labels, String changedBy) {
}
