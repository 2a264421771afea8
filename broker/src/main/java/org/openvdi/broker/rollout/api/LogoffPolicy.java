package org.openvdi.broker.rollout.api;

/** What happens to a desktop in use: it moves after its session ends, or the session is ended at a deadline. */
public enum LogoffPolicy {
    WAIT, FORCE_AFTER
}
