package org.openvdi.broker.pool;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.security.CurrentUser;

/**
 * A pool with its current desktop counts.
 *
 * @param recording whether connections to the pool's desktops are recorded
 * @param sessionLimits limits on its sessions and the power action for disconnected desktops
 */
public record PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                       int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                       int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                       boolean recording, SessionLimits sessionLimits) {

    public PoolView {
        sessionLimits = sessionLimits == null ? SessionLimits.NONE : sessionLimits;
    }

    /** A pool without session limits. */
    public PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                    int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                    int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                    boolean recording) {
        this(id, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups,
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, SessionLimits.NONE);
    }

    public boolean entitles(CurrentUser user) {
        return entitledUsers.contains(user.name()) || user.groups().stream().anyMatch(entitledGroups::contains);
    }

    /**
     * The pool as the user may see it: admins and auditors see every entitlement; anyone else sees only their own
     * (their name, and those of their groups that are entitled), never who else may use the pool.
     */
    public PoolView seenBy(CurrentUser user) {
        if (user.canReadEverything()) {
            return this;
        }
        Set<String> users = entitledUsers.contains(user.name()) ? Set.of(user.name()) : Set.of();
        Set<String> groups = user.groups().stream().filter(entitledGroups::contains).collect(Collectors.toUnmodifiableSet());
        return new PoolView(id, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, users, groups,
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, sessionLimits);
    }
}
