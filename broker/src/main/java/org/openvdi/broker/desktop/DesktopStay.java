package org.openvdi.broker.desktop;

import java.time.Instant;
import java.util.UUID;

/**
 * A desktop's time on a host, as the desktop read model keeps it: from its provisioning request until it was
 * destroyed ({@code until} null: not yet). It occupies the host all that time (placement counts every desktop that is
 * not destroyed). A desktop moved since counts on the host it is on now, one recomposed from its recomposition.
 */
public record DesktopStay(UUID desktopId, UUID poolId, UUID hostId, Instant from, Instant until) {
}
