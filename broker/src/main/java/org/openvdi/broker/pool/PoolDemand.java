package org.openvdi.broker.pool;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.HostState;
import org.springframework.stereotype.Component;

/**
 * What a pool has and what is asked of it right now, asked of the features that own the desktops, hosts and
 * sessions. A fixed handful of queries per pool, whatever the number of desktops or sessions.
 */
@Component
class PoolDemand {

    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final WaitingSessions sessions;

    PoolDemand(DesktopQueries desktops, HostQueries hosts, WaitingSessions sessions) {
        this.desktops = desktops;
        this.hosts = hosts;
        this.sessions = sessions;
    }

    /**
     * Snapshot of one pool. {@code queue}: the sessions waiting for a desktop, first requested first;
     * {@code waitingUsersWithoutDesktop} likewise, each user once.
     */
    record Snapshot(int occupying, int unownedAvailable, List<UUID> queue, List<String> waitingUsersWithoutDesktop) {

        int waitingSessions() {
            return queue.size();
        }
    }

    Snapshot of(UUID poolId) {
        int occupying = desktops.countOccupying(poolId, hosts.idsInState(HostState.DOWN));
        int available = desktops.countUnownedAvailable(poolId);
        List<WaitingSessions.WaitingSession> requested = sessions.waitingIn(poolId);
        if (requested.isEmpty()) {
            return new Snapshot(occupying, available, List.of(), List.of());
        }
        // a session whose desktop is assigned but which has not recorded it yet waits for nothing
        Set<UUID> served = desktops.sessionsWithDesktop(requested.stream().map(WaitingSessions.WaitingSession::sessionId).toList());
        List<UUID> queue = requested.stream().map(WaitingSessions.WaitingSession::sessionId)
                .filter(id -> !served.contains(id)).toList();
        Set<String> owners = desktops.ownersWithUsableDesktop(poolId);
        Set<String> withoutDesktop = new LinkedHashSet<>();
        requested.stream().map(WaitingSessions.WaitingSession::user).filter(user -> !owners.contains(user))
                .forEach(withoutDesktop::add);
        return new Snapshot(occupying, available, queue, List.copyOf(withoutDesktop));
    }
}
