package org.openvdi.broker.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.spare.Limits;
import org.springframework.stereotype.Component;

/**
 * Decides how many desktops a pool needs now: enough unowned desktops for the waiting sessions
 * plus its spare target, and in persistent pools one owned desktop per waiting user whom no unowned
 * desktop can serve; never more than {@code maxSize}. Also says how many spares a pool has (the unowned desktops,
 * ready or on their way, that no waiting session will take) and what bounds its target.
 */
@Component
public class SpareCapacityPolicy {

    private final PoolDemand demand;
    private final HostQueries hosts;

    SpareCapacityPolicy(PoolDemand demand, HostQueries hosts) {
        this.demand = demand;
        this.hosts = hosts;
    }

    /** One desktop to provision; {@code owner} is null for an unowned spare. */
    public record Need(String owner) {
    }

    public List<Need> needs(PoolView pool) {
        return needs(pool, demand.of(pool.id()));
    }

    /**
     * A pool's spares now and the ready ones that waiting sessions hold.
     *
     * @param spares   unowned desktops, ready or on their way, that no waiting session will take
     * @param reserved how many unowned desktops waiting sessions will take (in persistent pools: the waiting users
     *                 without a desktop of their own that an unowned one can serve)
     */
    record Spares(int spares, int reserved) {
    }

    static Spares spares(PoolView pool, PoolDemand.Snapshot now) {
        int reserved = pool.type() == PoolType.PERSISTENT
                ? Math.min(now.waitingUsersWithoutDesktop().size(), now.unownedAvailable())
                : now.waitingSessions();
        return new Spares(Math.max(0, now.unownedAvailable() - reserved), reserved);
    }

    /**
     * What bounds the pool's spare target: its maxSize less the desktops that are not spares, and the room on the
     * hosts (the spares it has plus {@code hostFree}, so the hosts' limit never makes existing spares a surplus).
     */
    static Limits limits(PoolView pool, PoolDemand.Snapshot now, int hostFree) {
        int spares = spares(pool, now).spares();
        long hostRoom = Math.min(Integer.MAX_VALUE, (long) spares + Math.max(0, hostFree));
        return new Limits(pool.maxSize(), Math.max(0, now.occupying() - spares), (int) hostRoom);
    }

    /** Free desktop slots on the hosts that take desktops now. */
    int hostFree() {
        return hostFree(HostSelector.ANY);
    }

    /** Free desktop slots on the hosts a selector matches that take desktops now. */
    int hostFree(HostSelector selector) {
        return hosts.all().stream().filter(HostView::hasRoom).filter(h -> h.matches(selector))
                .mapToInt(h -> Math.max(0, h.freeCapacity())).sum();
    }

    /**
     * In a persistent pool a waiting user without a desktop claims an unowned one first (a ready spare
     * or one on its way); only the users those cannot cover get a desktop provisioned in their name.
     * Whatever unowned desktops remain count towards {@code minSpare}.
     */
    static List<Need> needs(PoolView pool, PoolDemand.Snapshot now) {
        return needs(pool, now, pool.minSpare());
    }

    /** As {@link #needs(PoolView, PoolDemand.Snapshot)}, for a spare target of {@code spareTarget}. */
    static List<Need> needs(PoolView pool, PoolDemand.Snapshot now, int spareTarget) {
        List<Need> needs = new ArrayList<>();
        int room = pool.maxSize() - now.occupying();
        int unownedLeft;
        if (pool.type() == PoolType.PERSISTENT) {
            List<String> users = now.waitingUsersWithoutDesktop();
            int claimed = Math.min(users.size(), now.unownedAvailable());
            for (String user : users.subList(claimed, users.size())) {
                if (needs.size() < room) {
                    needs.add(new Need(user));
                }
            }
            unownedLeft = now.unownedAvailable() - claimed;
        } else {
            unownedLeft = now.unownedAvailable() - now.waitingSessions();
        }
        int spares = Math.max(0, spareTarget - unownedLeft);
        for (int i = 0; i < spares && needs.size() < room; i++) {
            needs.add(new Need(null));
        }
        return needs;
    }

    /**
     * Why a waiting session of this user can never be served now, or empty when it will be. The sessions wait in the
     * order they were requested: the desktops available or coming are the first ones' (the first users' without a
     * desktop of their own, in a persistent pool), and a session further back than there are desktops is told at once.
     */
    public Optional<ErrorCode> whyUnservable(PoolView pool, UUID sessionId, String user) {
        PoolDemand.Snapshot now = demand.of(pool.id());
        int place = pool.type() == PoolType.PERSISTENT
                ? now.waitingUsersWithoutDesktop().indexOf(user) : now.queue().indexOf(sessionId);
        boolean coming = place < now.unownedAvailable();
        if (coming) {
            return Optional.empty();
        }
        if (now.occupying() >= pool.maxSize()) {
            return Optional.of(ErrorCode.POOL_FULL);
        }
        return hosts.anyHasRoom(pool.selector()) ? Optional.empty() : Optional.of(ErrorCode.NO_HOST_AVAILABLE);
    }
}
