package org.openvdi.broker.desktop;

import java.util.UUID;

/**
 * Whether a pool's desktops are persistent: each becomes one user's own, spares included once a user takes one.
 * Answered by the pool feature, which depends on desktops, never the other way round.
 */
public interface PersistentPools {

    boolean persistent(UUID poolId);
}
