package org.openvdi.broker.backtest;

/**
 * What one policy would have done over a backtest's period: the share of requests served at once from a ready spare,
 * the median and 95th-percentile wait (seconds, warm hits waiting zero), the hours spares stood ready and idle, the
 * most desktops at once (in use, ready and being provisioned), and the provisionings started.
 */
public record PolicyResult(String label, String policy, int requests, int warmHits, double warmHitRate,
                           double waitP50Seconds, double waitP95Seconds, double idleSpareHours, int peakDesktops,
                           int provisionings) {
}
