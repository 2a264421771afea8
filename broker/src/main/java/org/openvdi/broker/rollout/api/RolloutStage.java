package org.openvdi.broker.rollout.api;

/** The order in which a rollout moves desktops. */
public enum RolloutStage {
    CANARY, SPARE, IDLE, IN_USE
}
