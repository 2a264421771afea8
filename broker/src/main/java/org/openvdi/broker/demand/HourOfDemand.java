package org.openvdi.broker.demand;

import java.time.Instant;

/**
 * One hour of demand for the charts: sessions requested, failed, served warm and cold in it, the most sessions
 * holding a desktop in any of its five-minute buckets, and the idle spare-minutes in it.
 */
public record HourOfDemand(Instant hour, int requested, int failed, int warmHits, int coldStarts, int concurrent,
                           double idleSpareMinutes) {
}
