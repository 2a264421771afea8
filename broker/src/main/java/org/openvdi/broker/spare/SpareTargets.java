package org.openvdi.broker.spare;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.UUID;

/**
 * The pure spare decision shared by the live capacity process and the backtest: the spare target of a pool
 * at a moment, and its reason.
 */
public final class SpareTargets {

    /** Forecast products this close above a whole number are that number (0.1 * 30 is not 3.0000000000000004 spares). */
    private static final double ROUNDING_SLACK = 1e-9;

    private SpareTargets() {
    }

    /**
     * The spare target at {@code now}: the policy's count, then clamped by the pool's maxSize (less its
     * desktops in use) and by the host room.
     *
     * <ul>
     * <li>STATIC: its count.</li>
     * <li>SCHEDULE: the largest count of the windows covering {@code now} in the schedule's zone, otherwise
     * its {@code otherwise} count.</li>
     * <li>PREDICTIVE: {@code ceil(outlook.expectedRequests(poolId, now, leadTime) * (1 + safetyMargin))} within
     * [minSpare, maxSpare]; without an outlook (null) or without a number from it, minSpare with reason
     * {@link TargetReason#NO_FORECAST}. {@code forecastOnly} is ignored here: this is the target the policy
     * would use; {@link #applied} gives the one a forecast-only policy enforces.</li>
     * </ul>
     *
     * @param outlook  may be null (no forecast available)
     * @param leadTime how far ahead the forecast looks: the measured provisioning lead time
     */
    public static SpareTarget target(UUID poolId, SparePolicy policy, Instant now, DemandOutlook outlook,
            Duration leadTime, Limits limits) {
        return clamp(unclamped(poolId, policy, now, outlook, leadTime), limits);
    }

    /**
     * The target a policy enforces, given the one {@link #target} computed for it: the same, except for a
     * forecast-only predictive policy, which keeps its minSpare (clamped by the same limits) with reason
     * {@link TargetReason#FORECAST_ONLY}.
     */
    public static SpareTarget applied(SparePolicy policy, SpareTarget computed, Limits limits) {
        if (policy instanceof SparePolicy.Predictive p && p.forecastOnly()) {
            return clamp(new SpareTarget(p.minSpare(), TargetReason.FORECAST_ONLY), limits);
        }
        return computed;
    }

    /** The policy's own count at {@code now}, before the pool's and the hosts' limits. */
    public static SpareTarget unclamped(UUID poolId, SparePolicy policy, Instant now, DemandOutlook outlook,
            Duration leadTime) {
        if (policy instanceof SparePolicy.Static s) {
            return new SpareTarget(s.spares(), TargetReason.STATIC);
        }
        if (policy instanceof SparePolicy.Schedule s) {
            return scheduled(s, now);
        }
        return predicted(poolId, (SparePolicy.Predictive) policy, now, outlook, leadTime);
    }

    private static SpareTarget scheduled(SparePolicy.Schedule schedule, Instant now) {
        ZonedDateTime local = now.atZone(schedule.zone());
        int best = -1;
        for (SparePolicy.Window window : schedule.windows()) {
            if (window.covers(local.getDayOfWeek(), local.toLocalTime()) && window.spares() > best) {
                best = window.spares();
            }
        }
        return best < 0
                ? new SpareTarget(schedule.otherwise(), TargetReason.SCHEDULE_OTHERWISE)
                : new SpareTarget(best, TargetReason.SCHEDULE_WINDOW);
    }

    private static SpareTarget predicted(UUID poolId, SparePolicy.Predictive policy, Instant now,
            DemandOutlook outlook, Duration leadTime) {
        if (outlook == null) {
            return new SpareTarget(policy.minSpare(), TargetReason.NO_FORECAST);
        }
        double expected = outlook.expectedRequests(poolId, now, leadTime);
        if (!Double.isFinite(expected)) {
            return new SpareTarget(policy.minSpare(), TargetReason.NO_FORECAST);
        }
        double wanted = Math.max(0, expected) * (1 + policy.safetyMargin());
        long rounded = (long) Math.ceil(wanted - ROUNDING_SLACK);
        if (rounded < policy.minSpare()) {
            return new SpareTarget(policy.minSpare(), TargetReason.FORECAST_MIN_SPARE);
        }
        if (rounded > policy.maxSpare()) {
            return new SpareTarget(policy.maxSpare(), TargetReason.FORECAST_MAX_SPARE);
        }
        return new SpareTarget((int) rounded, TargetReason.FORECAST);
    }

    /** Lowers a target to what the pool's maxSize leaves beside its desktops in use, then to the host room. */
    public static SpareTarget clamp(SpareTarget target, Limits limits) {
        SpareTarget result = target;
        int sizeRoom = Math.max(0, limits.maxSize() - limits.inUse());
        if (result.spares() > sizeRoom) {
            result = new SpareTarget(sizeRoom, TargetReason.CLAMPED_MAX_SIZE);
        }
        if (result.spares() > limits.hostRoom()) {
            result = new SpareTarget(limits.hostRoom(), TargetReason.CLAMPED_HOST_ROOM);
        }
        return result;
    }
}
