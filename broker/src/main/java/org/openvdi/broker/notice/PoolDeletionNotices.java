package org.openvdi.broker.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.contract.SessionNotice;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The notice of a pool being deleted, pending for every open session of the pool from the drain's start to its
 * deadline, with id {@code pool-deleted/<pool>} (the desktop tab tells it apart by that prefix).
 */
@Component
@Order(2)
class PoolDeletionNotices implements NoticeSource {

    static final String POOL_DELETED = "pool-deleted/";

    private final SessionQueries sessions;
    private final PoolQueries pools;

    PoolDeletionNotices(SessionQueries sessions, PoolQueries pools) {
        this.sessions = sessions;
        this.pools = pools;
    }

    @Override
    public List<SessionNotice> of(Set<UUID> carried, Instant now) {
        Map<UUID, UUID> poolOf = sessions.poolsOfOpen(carried);
        Map<UUID, Optional<PoolView>> draining = new HashMap<>();
        List<SessionNotice> notices = new ArrayList<>();
        poolOf.forEach((session, poolId) -> draining.computeIfAbsent(poolId, pools::find)
                .filter(pool -> pool.drain() != null && pool.drain().deletedAt() == null)
                .ifPresent(pool -> notices.add(new SessionNotice(session, POOL_DELETED + pool.id(), pool.drain().message(),
                        Math.max(0, Duration.between(now, pool.drain().deadline()).toSeconds())))));
        return notices;
    }
}
