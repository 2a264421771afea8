package org.openvdi.broker.spare;

import java.util.Objects;

/** A spare target: how many ready unowned spares a pool should have, and why. */
public record SpareTarget(int spares, TargetReason reason) {
    public SpareTarget {
        if (spares < 0) {
            throw new IllegalArgumentException("spares must not be negative");
        }
        Objects.requireNonNull(reason, "reason is required");
    }
}
