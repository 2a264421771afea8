package org.openvdi.broker.pool.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.hypervisor.UserDiskFate;

/**
 * An admin asked for a pool's deletion: from now on it takes no new sessions and gets no new spares, its idle
 * desktops are destroyed, and the sessions still open are ended at {@code deadline} after a notice.
 */
@Revision("1")
public record PoolDrainStartedEvent(UUID poolId, String name, Instant deadline, String message, UserDiskFate userDisks,
                                    String startedBy) {
}
