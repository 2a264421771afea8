package org.openvdi.broker.bench;

/** The milestones of opening a desktop from the portal, in the order they happen. */
enum OpenStep {

    DESKTOP_READY("desktop READY (cloned, defined, started, display answers)"),
    SESSION_READY("session READY (desktop assigned)"),
    TOKEN_ISSUED("connect URL issued (one-time token)"),
    TOKEN_REDEEMED("token redeemed by the gateway"),
    CONNECTED("Guacamole client connected (first sync, polled)"),
    FIRST_FRAME("**guest pixels in the canvas (polled)**");

    private final String label;

    OpenStep(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
