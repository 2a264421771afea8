package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/** The pool needs desktops but no host may take them, and why (its selector matches no host, or none with room). */
@Revision("1")
public record PoolPlacementBlockedEvent(UUID poolId, Set<String> hostSelector, String reason) {
}
