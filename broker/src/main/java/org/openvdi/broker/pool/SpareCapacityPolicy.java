package org.openvdi.broker.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.pool.api.PoolType;
import org.springframework.stereotype.Component;

/**
 * Decides how many desktops a pool needs now: enough unowned desktops for the waiting sessions
 * plus {@code minSpare}, and in persistent pools one owned desktop per waiting user who has none;
 * never more than {@code maxSize}.
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
        PoolDemand.Snapshot now = demand.of(pool.id());
        List<Need> needs = new ArrayList<>();
        int room = pool.maxSize() - now.occupying();
        int waitingUnowned = now.waitingSessions();
        if (pool.type() == PoolType.PERSISTENT) {
            for (String user : now.waitingUsersWithoutDesktop()) {
                if (needs.size() < room) {
                    needs.add(new Need(user));
                }
            }
            waitingUnowned = 0;
        }
        int spares = Math.max(0, pool.minSpare() + waitingUnowned - now.unownedAvailable());
        for (int i = 0; i < spares && needs.size() < room; i++) {
            needs.add(new Need(null));
        }
        return needs;
    }

    /** Why a waiting session of this user can never be served now, or empty when it will be. */
    public Optional<ErrorCode> whyUnservable(PoolView pool, String user) {
        PoolDemand.Snapshot now = demand.of(pool.id());
        boolean coming = pool.type() == PoolType.PERSISTENT
                ? !now.waitingUsersWithoutDesktop().contains(user) || now.unownedAvailable() > 0
                : now.unownedAvailable() >= now.waitingSessions();
        if (coming) {
            return Optional.empty();
        }
        if (now.occupying() >= pool.maxSize()) {
            return Optional.of(ErrorCode.POOL_FULL);
        }
        return hosts.placement().isPresent() ? Optional.empty() : Optional.of(ErrorCode.NO_HOST_AVAILABLE);
    }
}
