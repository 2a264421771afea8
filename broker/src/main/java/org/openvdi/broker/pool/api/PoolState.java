package org.openvdi.broker.pool.api;

/**
 * Where a pool is in its life: in service; being drained for its deletion (no new sessions or spares, its
 * desktops destroyed, its sessions ended at the drain's deadline); or deleted, its name free for another pool.
 */
public enum PoolState {
    ACTIVE, DRAINING, DELETED
}
