package org.openvdi.broker.spare;

/**
 * What bounds a spare target besides the policy.
 *
 * @param maxSize  the pool's maximum number of desktops
 * @param inUse    its desktops that are not spares (assigned, owned, or held for a waiting session)
 * @param hostRoom the most spares the hosts can hold: the spares already there plus the free slots on the
 *                 hosts; {@link Integer#MAX_VALUE} when unbounded (a backtest)
 */
public record Limits(int maxSize, int inUse, int hostRoom) {
    public Limits {
        if (maxSize < 0 || inUse < 0 || hostRoom < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /** Only the pool's size bounds the target (no host limit). */
    public static Limits ofPool(int maxSize, int inUse) {
        return new Limits(maxSize, inUse, Integer.MAX_VALUE);
    }
}
