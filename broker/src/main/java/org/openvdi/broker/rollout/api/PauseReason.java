package org.openvdi.broker.rollout.api;

/** Why a rollout paused: an admin asked, or one of its safety rules stopped it. */
public enum PauseReason {
    ADMIN, CANARY_FAILED, FAILURE_THRESHOLD, PROGRESS_DEADLINE
}
