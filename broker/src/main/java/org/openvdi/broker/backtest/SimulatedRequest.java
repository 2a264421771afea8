package org.openvdi.broker.backtest;

import java.time.Duration;
import java.time.Instant;

/**
 * One recorded request as the simulation replays it: when it was made, how long its session then held a desktop, and
 * whose it was (what a persistent pool keeps a desktop for; null when unknown, then it is nobody's).
 */
record SimulatedRequest(Instant at, Duration holds, String user) {

    SimulatedRequest(Instant at, Duration holds) {
        this(at, holds, null);
    }
}
