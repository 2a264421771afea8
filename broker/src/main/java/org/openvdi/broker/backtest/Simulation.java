package org.openvdi.broker.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.openvdi.broker.spare.DemandOutlook;
import org.openvdi.broker.spare.Limits;
import org.openvdi.broker.spare.ScaleIn;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.SpareTarget;
import org.openvdi.broker.spare.SpareTargets;

/**
 * A discrete-event simulation of one pool under one spare policy, on a recorded request stream. The decisions are the
 * live pool's own ({@link SpareTargets#target}, {@link SpareTargets#applied}, {@link ScaleIn}); the simulation only
 * plays the world around them:
 * <ul>
 *   <li>A request takes the oldest ready spare at once (a warm hit), else it waits for the next desktop to become
 *   ready (first come, first served). The pool provisions for waiting requests as well as for its spare target, as the
 *   capacity process does, within the pool's maximum size and the hosts' room at that moment ({@link HostRoom}: the
 *   matching hosts' {@code maxDesktops}; a desktop beyond it is not provisioned until room appears).</li>
 *   <li>A provisioning takes the next of the measured lead times (in their recorded order, round and round); a
 *   predictive policy looks ahead by {@code lookAhead}, the lead time estimated before the period.</li>
 *   <li>A session holds its desktop for its recorded duration. Then a floating pool's desktop is recycled; a
 *   persistent pool's stays with its user (the first desktop a user gets becomes theirs and is never a spare again):
 *   it keeps running, or with the power policy POWER_OFF_AT_LOGOFF it is powered off and the user's next request
 *   waits {@link SimulatedPool#powerOn()} for it (a cold start); a running one serves them at once (a warm hit).</li>
 *   <li>The policy is asked on every event and at least every {@link #TICK}; surplus spares go, oldest first, once the
 *   surplus has lasted the settle time.</li>
 * </ul>
 * Single-threaded and deterministic: the same inputs give the same result and the same decisions.
 */
final class Simulation {

    static final Duration TICK = Duration.ofMinutes(1);

    private final UUID poolId;
    private final SparePolicy policy;
    private final DemandOutlook outlook;
    private final List<Duration> leadTimes;
    private final SimulatedPool pool;
    private final Duration settle;
    private final Duration leadTime;

    /** A session under way: when it ends, and whose desktop it holds (null: a desktop recycled after it). */
    private record Ending(Instant at, String owner) {
    }

    /** A user's own desktop in a persistent pool starting for their request. */
    private record PowerOn(Instant at, SimulatedRequest request) {
    }

    /** A user's own desktop in a persistent pool. */
    private static final class Owned {
        int sessions;
        boolean running = true;
    }

    private final Deque<Instant> spares = new ArrayDeque<>();               // ready since, oldest first
    private final PriorityQueue<Instant> provisioning = new PriorityQueue<>();  // ready at
    private final PriorityQueue<Ending> sessionEnds = new PriorityQueue<>(Comparator.comparing(Ending::at));
    private final PriorityQueue<PowerOn> powerOns = new PriorityQueue<>(Comparator.comparing(PowerOn::at));
    private final Map<String, Owned> owned = new HashMap<>();
    private final Deque<SimulatedRequest> waiting = new ArrayDeque<>();
    private final List<Long> waitsMillis = new ArrayList<>();
    private int recycledSessions;
    private int nextLead;
    private int warmHits;
    private int provisionings;
    private int peak;
    private long idleMillis;
    private Instant surplusSince;

    Simulation(UUID poolId, SparePolicy policy, DemandOutlook outlook, List<Duration> leadTimes, int maxSize, Duration settle) {
        this(poolId, policy, outlook, leadTimes, null, SimulatedPool.floating(maxSize), settle);
    }

    /** With {@code lookAhead} null, the median of {@code leadTimes}. */
    Simulation(UUID poolId, SparePolicy policy, DemandOutlook outlook, List<Duration> leadTimes, Duration lookAhead,
               SimulatedPool pool, Duration settle) {
        this.poolId = poolId;
        this.policy = policy;
        this.outlook = outlook;
        if (leadTimes.isEmpty()) {
            throw new IllegalArgumentException("at least one lead time is needed");
        }
        this.leadTimes = List.copyOf(leadTimes);
        this.pool = pool;
        this.settle = settle;
        this.leadTime = lookAhead != null ? lookAhead : median(this.leadTimes);
    }

    /**
     * Runs from {@code from} to {@code to} over {@code requests} (in time order); {@code decisions}, if not null,
     * hears every target the policy set and when.
     */
    PolicyResult run(String label, List<SimulatedRequest> requests, Instant from, Instant to,
                     BiConsumer<Instant, SpareTarget> decisions) {
        Instant now = from;
        Instant nextTick = from;
        int r = 0;
        while (true) {
            Instant next = nextTick;
            if (r < requests.size() && requests.get(r).at().isBefore(next)) {
                next = requests.get(r).at();
            }
            if (!provisioning.isEmpty() && provisioning.peek().isBefore(next)) {
                next = provisioning.peek();
            }
            if (!sessionEnds.isEmpty() && sessionEnds.peek().at().isBefore(next)) {
                next = sessionEnds.peek().at();
            }
            if (!powerOns.isEmpty() && powerOns.peek().at().isBefore(next)) {
                next = powerOns.peek().at();
            }
            if (!next.isBefore(to)) {
                break;
            }
            now = next;
            while (!sessionEnds.isEmpty() && !sessionEnds.peek().at().isAfter(now)) {
                end(sessionEnds.poll());
            }
            while (!powerOns.isEmpty() && !powerOns.peek().at().isAfter(now)) {
                SimulatedRequest started = powerOns.poll().request();
                waitsMillis.add(Duration.between(started.at(), now).toMillis());
                startSession(started, started.user(), now);
            }
            while (!provisioning.isEmpty() && !provisioning.peek().isAfter(now)) {
                provisioning.poll();
                ready(now);
            }
            while (r < requests.size() && !requests.get(r).at().isAfter(now)) {
                arrive(requests.get(r++), now);
            }
            if (!nextTick.isAfter(now)) {
                nextTick = now.plus(TICK);
            }
            decide(now, decisions);
        }
        for (Instant since : spares) {
            idleMillis += Duration.between(since, to).toMillis();
        }
        int served = waitsMillis.size();
        long[] waits = waitsMillis.stream().mapToLong(Long::longValue).sorted().toArray();
        return new PolicyResult(label, policy.toString(), served, warmHits, served == 0 ? 0 : (double) warmHits / served,
                percentile(waits, 50) / 1000.0, percentile(waits, 95) / 1000.0, idleMillis / 3_600_000.0, peak,
                provisionings, policy);
    }

    /** Whose desktop a request gets in this pool: its user's in a persistent pool, nobody's in a floating one. */
    private String owner(SimulatedRequest request) {
        return pool.persistent() ? request.user() : null;
    }

    private void arrive(SimulatedRequest request, Instant now) {
        String owner = owner(request);
        Owned own = owner == null ? null : owned.get(owner);
        if (own != null) {
            if (own.running) {
                warmHits++;
                waitsMillis.add(0L);
                startSession(request, owner, now);
            } else {
                own.running = true;                 // starting: a second request meanwhile shares it
                powerOns.add(new PowerOn(now.plus(pool.powerOn()), request));
            }
        } else if (!spares.isEmpty()) {
            Instant since = spares.pollFirst();
            idleMillis += Duration.between(since, now).toMillis();
            warmHits++;
            waitsMillis.add(0L);
            take(request, now);
        } else {
            waiting.addLast(request);
        }
    }

    private void ready(Instant now) {
        SimulatedRequest first = waiting.pollFirst();
        if (first == null) {
            spares.addLast(now);
        } else {
            waitsMillis.add(Duration.between(first.at(), now).toMillis());
            take(first, now);
        }
    }

    /** A new desktop serves the request; in a persistent pool it is its user's from now on. */
    private void take(SimulatedRequest request, Instant now) {
        String owner = owner(request);
        Owned own = owner == null ? null : owned.computeIfAbsent(owner, o -> new Owned());
        if (own == null) {
            recycledSessions++;
        }
        startSession(request, owner, now);
    }

    private void startSession(SimulatedRequest request, String owner, Instant now) {
        if (owner != null) {
            owned.get(owner).sessions++;
        }
        sessionEnds.add(new Ending(now.plus(request.holds()), owner));
    }

    private void end(Ending ending) {
        if (ending.owner() == null) {
            recycledSessions--;
            return;
        }
        Owned own = owned.get(ending.owner());
        own.sessions--;
        if (own.sessions == 0 && pool.powerOffAtLogoff()) {
            own.running = false;
        }
    }

    private void decide(Instant now, BiConsumer<Instant, SpareTarget> decisions) {
        int held = owned.size() + recycledSessions;             // desktops that are not spares
        int room = pool.room().at(now);
        int cap = Math.min(pool.maxSize(), room);
        int inUse = held + Math.min(waiting.size(), provisioning.size());
        // as the capacity process counts it: the spares there (and coming) plus the hosts' free slots
        long hostRoom = Math.max(spares.size() + provisioning.size(), (long) room - held);
        Limits limits = new Limits(pool.maxSize(), inUse, (int) Math.min(Integer.MAX_VALUE, hostRoom));
        SpareTarget computed = SpareTargets.target(poolId, policy, now, outlook, leadTime, limits);
        SpareTarget target = SpareTargets.applied(policy, computed, limits);
        if (decisions != null) {
            decisions.accept(now, target);
        }
        int wanted = waiting.size() + target.spares();
        int coming = spares.size() + provisioning.size();
        while (coming < wanted && held + coming < cap) {
            provisioning.add(now.plus(leadTimes.get(nextLead++ % leadTimes.size())));
            provisionings++;
            coming++;
        }
        surplusSince = ScaleIn.surplusSince(surplusSince, spares.size(), target.spares(), now);
        int remove = ScaleIn.toRemove(spares.size(), target.spares(), surplusSince, now, settle);
        for (int i = 0; i < remove && !spares.isEmpty(); i++) {
            idleMillis += Duration.between(spares.pollFirst(), now).toMillis();
        }
        if (remove > 0) {
            surplusSince = ScaleIn.surplusSince(null, spares.size(), target.spares(), now);
        }
        peak = Math.max(peak, held + spares.size() + provisioning.size());
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static Duration median(List<Duration> leads) {
        Duration[] sorted = leads.toArray(Duration[]::new);
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}
