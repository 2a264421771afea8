package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A pool's host selector was set (at creation, or changed later): the terms a host's labels must all meet for the
 * pool's desktops to run there (empty: any host), and who set them.
 */
@Revision("1")
public record PoolHostSelectorChangedEvent(UUID poolId, Set<String> hostSelector, String changedBy) {
}
