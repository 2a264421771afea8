package org.openvdi.broker.backtest;

import org.openvdi.broker.backtest.api.BacktestPolicyFigures;
import org.openvdi.broker.spare.SparePolicy;

/**
 * What one policy would have done over a backtest's period: the share of requests served at once from a ready spare,
 * the median and 95th-percentile wait (seconds, warm hits waiting zero), the hours spares stood ready and idle, the
 * most desktops at once (in use, ready and being provisioned), and the provisionings started. {@code spec} is the
 * policy as asked, in the pool's policy format (to run it again); {@code policy} the same in words.
 */
public record PolicyResult(String label, String policy, int requests, int warmHits, double warmHitRate,
                           double waitP50Seconds, double waitP95Seconds, double idleSpareHours, int peakDesktops,
                           int provisionings, SparePolicy spec) {

    BacktestPolicyFigures figures() {
        return new BacktestPolicyFigures(label, spec, requests, warmHits, warmHitRate, waitP50Seconds, waitP95Seconds,
                idleSpareHours, peakDesktops, provisionings);
    }

    static PolicyResult of(BacktestPolicyFigures f) {
        return new PolicyResult(f.label(), f.policy().toString(), f.requests(), f.warmHits(), f.warmHitRate(),
                f.waitP50Seconds(), f.waitP95Seconds(), f.idleSpareHours(), f.peakDesktops(), f.provisionings(),
                f.policy());
    }
}
