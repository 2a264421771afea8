package org.openvdi.broker.rollout.api;

/** Where one desktop stands in a rollout. */
public enum RolloutDesktopStatus {
    WAITING_FOR_LOGOFF, IN_PROGRESS, UPDATED, FAILED
}
