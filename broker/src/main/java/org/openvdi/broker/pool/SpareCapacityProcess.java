package org.openvdi.broker.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.desktop.DesktopView;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.desktop.api.RetireSpareDesktopCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.pool.api.RecordPoolPlacementCommand;
import org.openvdi.broker.pool.api.RecordPoolSpareTargetCommand;
import org.openvdi.broker.spare.DemandOutlook;
import org.openvdi.broker.spare.LeadTimeEstimate;
import org.openvdi.broker.spare.Limits;
import org.openvdi.broker.spare.ScaleIn;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.SpareTarget;
import org.openvdi.broker.spare.SpareTargets;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps every pool at its spare target. Each tick, per pool: computes the target with {@link SpareTargets} from the
 * pool's spare policy, records it when it changed ({@code PoolSpareTargetChangedEvent}, once per change), requests
 * the desktops the pool lacks on the host with the most free capacity, and removes surplus spares once the surplus
 * has lasted {@code openvdi.capacity.scale-in-settle} ({@link ScaleIn}): oldest first, only READY unowned desktops
 * that no waiting session will take, through the desktop's own refusal of anything that is no longer a spare.
 *
 * <p>Threading: one tick at a time on the scheduler's thread, under the cluster-wide "capacity" lock, so one broker
 * decides for all pools at a time; its commands commit one by one, so the next tick, on any broker, counts them. The
 * surplus clocks live in memory: a broker that takes over the lock starts them afresh, which only delays a removal.
 * The last target sent per pool lives in memory too, and only saves a repeat the pool would ignore.
 *
 * <p>PREDICTIVE uses the {@link DemandOutlook} bean; without one its target is its minSpare with reason
 * {@code NO_FORECAST}. A forecast-only policy records the target it would use and keeps its minSpare.
 */
@Component
class SpareCapacityProcess {

    private static final Logger log = LoggerFactory.getLogger(SpareCapacityProcess.class);

    private final PoolQueries pools;
    private final PoolDemand demand;
    private final SpareCapacityPolicy policy;
    private final HostQueries hosts;
    private final DesktopQueries desktops;
    private final AuditedCommands commands;
    private final ClusterLock lock;
    private final CapacitySettings settings;
    private final Optional<DemandOutlook> outlook;
    private final Optional<LeadTimeEstimate> leadTimes;
    private final Clock clock;
    private final Map<UUID, Instant> surplusSince = new ConcurrentHashMap<>();
    private final Map<UUID, Sent> sent = new ConcurrentHashMap<>();

    /** The last target sent for a pool, and the pool's recorded target when it was sent. */
    private record Sent(RecordPoolSpareTargetCommand command, PoolView.SpareTargetView seen) {
    }

    SpareCapacityProcess(PoolQueries pools, PoolDemand demand, SpareCapacityPolicy policy, HostQueries hosts,
                         DesktopQueries desktops, AuditedCommands commands, ClusterLock lock, CapacitySettings settings,
                         Optional<DemandOutlook> outlook, Optional<LeadTimeEstimate> leadTimes, Optional<Clock> clock) {
        this.pools = pools;
        this.demand = demand;
        this.policy = policy;
        this.hosts = hosts;
        this.desktops = desktops;
        this.commands = commands;
        this.lock = lock;
        this.settings = settings;
        this.outlook = outlook;
        this.leadTimes = leadTimes;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Scheduled(fixedDelayString = "${openvdi.capacity.interval:1000}", initialDelayString = "${openvdi.capacity.initial-delay:2000}")
    void keepSpares() {
        lock.runExclusively("capacity", () -> {
            // a pool being deleted gets no new desktops (its drain retires the ones it has)
            List<PoolView> active = pools.all().stream().filter(PoolView::active).toList();
            Set<UUID> ids = active.stream().map(PoolView::id).collect(Collectors.toSet());
            surplusSince.keySet().retainAll(ids);
            sent.keySet().retainAll(ids);
            int hostFree = policy.hostFree();
            active.forEach(pool -> keep(pool, hostFree));
        });
    }

    private void keep(PoolView pool, int allHostsFree) {
        Instant now = clock.instant();
        // a pool with a host selector counts only the room on the hosts it may use
        int hostFree = pool.selector().any() ? allHostsFree : policy.hostFree(pool.selector());
        PoolDemand.Snapshot snapshot = demand.of(pool.id());
        Limits limits = SpareCapacityPolicy.limits(pool, snapshot, hostFree);
        Limits poolLimits = Limits.ofPool(limits.maxSize(), limits.inUse());
        SparePolicy spares = pool.sparePolicy();
        // the recorded target is the policy's within the pool's size; the hosts' room, which moves with every desktop
        // anywhere, only bounds what is provisioned now
        SpareTarget target = SpareTargets.target(pool.id(), spares, now, outlook.orElse(null), leadTime(pool), poolLimits);
        SpareTarget applied = SpareTargets.clamp(SpareTargets.applied(spares, target, limits), limits);
        record(pool, target, spares instanceof SparePolicy.Predictive p && p.forecastOnly());
        if (!pool.selector().any() && hostFree == 0 && target.spares() > SpareCapacityPolicy.spares(pool, snapshot).spares()) {
            // the hosts' room clamps what is provisioned to nothing: say why rather than wait silently
            placement(pool, hosts.anyMatches(pool.selector())
                    ? "no host matching the selector " + pool.selector() + " has room or is schedulable"
                    : "no host matches the selector " + pool.selector());
        }
        fill(pool, SpareCapacityPolicy.needs(pool, snapshot, applied.spares()));
        scaleIn(pool, SpareCapacityPolicy.spares(pool, snapshot), applied.spares(), now);
    }

    private Duration leadTime(PoolView pool) {
        return leadTimes.flatMap(l -> l.leadTime(pool.id())).filter(d -> !d.isNegative() && !d.isZero()).orElse(settings.leadTime());
    }

    /**
     * Sends the target only when it differs from the pool's recorded one, and was not sent already while the pool's
     * record stayed as it is; the pool ignores repeats too.
     */
    private void record(PoolView pool, SpareTarget target, boolean forecastOnly) {
        RecordPoolSpareTargetCommand command = new RecordPoolSpareTargetCommand(pool.id(), target.spares(),
                target.reason(), forecastOnly);
        PoolView.SpareTargetView seen = pool.spareTarget();
        if (seen != null && seen.spares() == target.spares() && seen.reason() == target.reason()
                && seen.forecastOnly() == forecastOnly) {
            return;
        }
        Sent last = sent.get(pool.id());
        if (last != null && last.command().equals(command) && java.util.Objects.equals(last.seen(), seen)) {
            return;
        }
        try {
            commands.system(command);
        } catch (RuntimeException e) {
            log.warn("Pool {}: spare target {} not recorded, trying again next tick: {}", pool.name(), target, e.toString());
            return;
        }
        sent.put(pool.id(), new Sent(command, seen));
        log.info("Pool {}: spare target {} ({}{})", pool.name(), target.spares(), target.reason(),
                forecastOnly ? ", forecast only" : "");
    }

    /**
     * Provisions what the pool needs on hosts its selector matches, never elsewhere. When it needs desktops and no such
     * host takes any, the pool records why (once); once one does again, it records that too.
     */
    private void fill(PoolView pool, List<SpareCapacityPolicy.Need> needs) {
        if (needs.isEmpty() && pool.placementProblem() != null && hosts.placement(pool.selector()).isPresent()) {
            placement(pool, null);
        }
        for (SpareCapacityPolicy.Need need : needs) {
            Optional<HostView> host = hosts.placement(pool.selector());
            if (host.isEmpty()) {
                log.debug("Pool {} needs desktops but no host matching {} accepts any", pool.name(), pool.selector());
                placement(pool, hosts.anyMatches(pool.selector())
                        ? "no host matching the selector " + pool.selector() + " has room or is schedulable"
                        : "no host matches the selector " + pool.selector());
                return;
            }
            placement(pool, null);
            UUID desktopId = UUID.randomUUID();
            commands.system(new RequestDesktopProvisioningCommand(desktopId, pool.id(), host.get().id(), pool.templateId(),
                    pool.templateVersion(), need.owner()));
            log.info("Pool {}: provisioning desktop {} on host {}", pool.name(), desktopId, host.get().name());
        }
    }

    private void placement(PoolView pool, String problem) {
        if (java.util.Objects.equals(problem, pool.placementProblem())) {
            return;
        }
        try {
            commands.system(new RecordPoolPlacementCommand(pool.id(), problem));
            if (problem != null) {
                log.warn("Pool {} cannot place desktops: {}", pool.name(), problem);
            }
        } catch (RuntimeException e) {
            log.debug("Pool {}: placement state not recorded, trying again next tick: {}", pool.name(), e.toString());
        }
    }

    private void scaleIn(PoolView pool, SpareCapacityPolicy.Spares now, int target, Instant at) {
        Instant since = ScaleIn.surplusSince(surplusSince.get(pool.id()), now.spares(), target, at);
        if (since == null) {
            surplusSince.remove(pool.id());
            return;
        }
        surplusSince.put(pool.id(), since);
        int surplus = ScaleIn.toRemove(now.spares(), target, since, at, settings.scaleInSettle());
        if (surplus == 0) {
            return;
        }
        List<DesktopView> ready = desktops.readySpares(pool.id(), hosts.idsInState(HostState.UP));
        // waiting sessions take ready spares first: leave them as many as they will take
        int removable = Math.max(0, ready.size() - now.reserved());
        for (DesktopView spare : ready.subList(0, Math.min(surplus, removable))) {
            retire(pool, spare, target);
        }
    }

    private void retire(PoolView pool, DesktopView spare, int target) {
        try {
            commands.system(new RetireSpareDesktopCommand(spare.id(), "surplus spare (pool target " + target + ")"));
            log.info("Pool {}: removing surplus spare {}", pool.name(), spare.id());
        } catch (RuntimeException e) {
            // a session took it meanwhile: the next tick counts again
            log.debug("Pool {}: spare {} was not removed: {}", pool.name(), spare.id(), e.getMessage());
        }
    }
}
