package org.openvdi.broker.rollout.api;

/** Where a rollout stands. COMPLETED, CANCELLED and ROLLED_BACK are final. */
public enum RolloutState {
    SCHEDULED, RUNNING, PAUSED, COMPLETED, CANCELLED, ROLLED_BACK;

    /** Still holds its pool: no other rollout may start there. */
    public boolean active() {
        return this == SCHEDULED || this == RUNNING || this == PAUSED;
    }
}
