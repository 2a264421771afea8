package org.openvdi.broker.rollout;

/** What the canary desktops showed: not yet known, ready on the new version, or failed. */
public enum CanaryOutcome {
    PENDING, PASSED, FAILED
}
