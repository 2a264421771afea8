package org.openvdi.broker.desktop.api;

/** Lifecycle of one desktop VM. */
public enum DesktopState {
    REQUESTED, CLONED, DEFINED, STARTED, READY, ASSIGNED, POWERED_OFF, SUSPENDING, SUSPENDED, RECYCLING, RECOMPOSING, FAILED, LOST, DESTROYED,
    /** A powered-off persistent desktop moving to another host with its disks (see DesktopMovePhase). */
    MOVING;

    /** Provisioning still has work to do on the host. */
    public boolean provisioning() {
        return this == REQUESTED || this == CLONED || this == DEFINED || this == STARTED;
    }

    /** The host must tear the VM down. */
    public boolean awaitingTeardown() {
        return this == RECYCLING || this == FAILED || this == LOST;
    }

    /** A persistent desktop that nobody uses and whose VM is off or going off: a request powers it on again. */
    public boolean resting() {
        return this == POWERED_OFF || this == SUSPENDING || this == SUSPENDED;
    }

    /** Whether this state can move on to {@code next} in the provisioning order. */
    public boolean before(DesktopState next) {
        return provisioning() && ordinal() < next.ordinal();
    }
}
