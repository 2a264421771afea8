package org.openvdi.broker.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.demand.DemandQueries;
import org.openvdi.broker.demand.LeadTime;
import org.openvdi.broker.demand.RecordedRequest;
import org.openvdi.broker.forecast.HoltWinters;
import org.openvdi.broker.forecast.DemandForecast;
import org.openvdi.broker.pool.CapacitySettings;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.spare.SparePolicy;
import org.springframework.stereotype.Component;

/**
 * Runs a backtest: loads a pool's recorded request stream of the period and its measured lead times from the demand
 * history, then simulates each policy on it ({@link Simulation}). A predictive policy's forecast is the broker's own
 * Holt-Winters model, refreshed each simulated quarter hour from the requests recorded before it only
 * ({@link HistoricalOutlook}).
 */
@Component
public class Backtests {

    private final DemandQueries demand;
    private final CapacitySettings capacity;
    private final SessionQueries sessions;
    private final HostRoomHistory hosts;

    /** {@code capacity}: the live pool's settle time for scale-in, and its lead time while none is measured. */
    Backtests(DemandQueries demand, CapacitySettings capacity, SessionQueries sessions, HostRoomHistory hosts) {
        this.demand = demand;
        this.capacity = capacity;
        this.sessions = sessions;
        this.hosts = hosts;
    }

    /** A policy to run and the label its result carries. */
    record LabelledPolicy(String label, SparePolicy policy) {
    }

    BacktestReport run(PoolView pool, Instant from, Instant to, List<LabelledPolicy> policies) {
        long started = System.nanoTime();
        UUID poolId = pool.id();
        int maxSize = pool.maxSize();
        List<RecordedRequest> recorded = demand.requests(poolId, from, to);
        boolean persistent = pool.type() == PoolType.PERSISTENT;
        Map<UUID, String> users = persistent ? sessions.usersOfPool(poolId, from, to) : Map.of();
        List<SimulatedRequest> requests = new ArrayList<>(recorded.size());
        for (RecordedRequest r : recorded) {
            Duration holds = r.readyAt() == null ? Duration.ZERO
                    : Duration.between(r.readyAt(), r.endedAt() == null || r.endedAt().isAfter(to) ? to : r.endedAt());
            requests.add(new SimulatedRequest(r.requestedAt(), holds.isNegative() ? Duration.ZERO : holds,
                    users.get(r.sessionId())));
        }
        // lead times measured up to the end of the period (at least the last eight weeks' worth before it)
        List<Duration> measured = demand.leadTimes(poolId, from.minus(DemandForecast.MAX_HISTORY), to).stream()
                .map(LeadTime::millis).map(Duration::ofMillis).toList();
        List<Duration> leads = measured.isEmpty() ? List.of(capacity.leadTime()) : measured;
        // the forecast's history begins with the pool's first request: the hours before it are not zero demand
        Instant earliest = DemandForecast.intervalOf(from).minus(DemandForecast.MAX_HISTORY);
        Instant historyStart = demand.firstRequest(poolId).map(DemandForecast::intervalOf).filter(f -> f.isAfter(earliest))
                .orElse(earliest);
        Instant historyEnd = DemandForecast.intervalOf(to).plus(DemandForecast.INTERVAL);
        double[] counts = demand.requestCounts(poolId, historyStart, historyEnd, DemandForecast.INTERVAL);
        HistoricalOutlook outlook = new HistoricalOutlook(counts, historyStart, new HoltWinters());
        // the live pool looks ahead by its measured lead time; here, as it was measured when the period began
        Duration lookAhead = demand.medianLeadTime(poolId, from).orElse(capacity.leadTime());
        // the hosts' room as placement saw it at each moment (other pools' desktops taken off); a persistent desktop powers on in about a lead time
        SimulatedPool simulated = new SimulatedPool(maxSize, hosts.of(poolId, from, to), persistent,
                pool.powerPolicy() == PowerPolicy.POWER_OFF_AT_LOGOFF, lookAhead);
        List<PolicyResult> results = new ArrayList<>();
        for (LabelledPolicy p : policies) {
            results.add(new Simulation(poolId, p.policy(), outlook, leads, lookAhead, simulated, capacity.scaleInSettle())
                    .run(p.label(), requests, from, to, null));
        }
        List<Long> leadMillis = measured.stream().map(Duration::toMillis).toList();
        Long p50 = DemandQueries.percentile(leadMillis, 50);
        return new BacktestReport(null, poolId, null, null, from, to, requests.size(), measured.size(), p50 == null ? 0 : p50 / 1000.0, maxSize,
                (System.nanoTime() - started) / 1_000_000, results);
    }
}
