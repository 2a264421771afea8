package org.openvdi.broker.pool;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.security.CurrentUser;

/** A pool with its current desktop counts. */
public record PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                       int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                       int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt) {

    public boolean entitles(CurrentUser user) {
        return entitledUsers.contains(user.name()) || user.groups().stream().anyMatch(entitledGroups::contains);
    }
}
