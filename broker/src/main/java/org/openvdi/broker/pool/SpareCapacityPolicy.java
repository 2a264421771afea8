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
 * plus {@code minSpare}, and in persistent pools one owned desktop per waiting user whom no unowned
 * desktop can serve; never more than {@code maxSize}.
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
     * In a persistent pool a waiting user without a desktop claims an unowned one first (a ready spare
     * or one on its way); only the users those cannot cover get a desktop provisioned in their name.
     * Whatever unowned desktops remain count towards {@code minSpare}.
     */
    static List<Need> needs(PoolView pool, PoolDemand.Snapshot now) {
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
        int spares = Math.max(0, pool.minSpare() - unownedLeft);
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
        return hosts.anyHasRoom() ? Optional.empty() : Optional.of(ErrorCode.NO_HOST_AVAILABLE);
    }
}
