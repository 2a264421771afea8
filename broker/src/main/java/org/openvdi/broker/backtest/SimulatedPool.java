package org.openvdi.broker.backtest;

import java.time.Duration;

/**
 * The pool a backtest simulates: its maximum size, the hosts' room for its desktops over time, and whether its
 * desktops are persistent (kept for their user, powered off at logoff with {@code powerOffAtLogoff}, and started
 * again in {@code powerOn} on the user's next request) or floating (recycled after each session).
 */
record SimulatedPool(int maxSize, HostRoom room, boolean persistent, boolean powerOffAtLogoff, Duration powerOn) {

    /** A floating pool of at most {@code maxSize} desktops whose hosts are not a limit. */
    static SimulatedPool floating(int maxSize) {
        return new SimulatedPool(maxSize, HostRoom.UNLIMITED, false, false, Duration.ZERO);
    }
}
