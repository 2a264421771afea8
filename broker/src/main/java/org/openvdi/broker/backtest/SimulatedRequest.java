package org.openvdi.broker.backtest;

import java.time.Duration;
import java.time.Instant;

/** One recorded request as the simulation replays it: when it was made, and how long its session then held a desktop. */
record SimulatedRequest(Instant at, Duration holds) {
}
