package org.openvdi.broker.backtest.api;

import org.openvdi.broker.spare.SparePolicy;

/**
 * One policy of a recorded backtest and what it would have done: the policy as asked (in the pool's policy format),
 * its label, and its figures (warm hits of the requests replayed, the median and 95th-percentile wait in seconds, idle
 * spare-hours, the most desktops at once, the provisionings started).
 */
public record BacktestPolicyFigures(String label, SparePolicy policy, int requests, int warmHits, double warmHitRate,
                                    double waitP50Seconds, double waitP95Seconds, double idleSpareHours,
                                    int peakDesktops, int provisionings) {
}
