package org.openvdi.broker.pool;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.TargetReason;

/**
 * A pool with its current desktop counts.
 *
 * @param recording   whether connections to the pool's desktops are recorded
 * @param sparePolicy how many spares the pool keeps warm (admins and auditors only)
 * @param spareTarget the spare target the capacity process last recorded, null before its first (admins and
 *                    auditors only)
 */
public record PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                       int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                       int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                       boolean recording, SparePolicy sparePolicy, SpareTargetView spareTarget) {

    /**
     * A recorded spare target.
     *
     * @param forecastOnly whether it is only what a forecast-only predictive policy would use (the pool keeps the
     *                     policy's minSpare)
     * @param since        when it was recorded
     */
    public record SpareTargetView(int spares, TargetReason reason, boolean forecastOnly, Instant since) {
    }

    /** A pool with a static spare count of {@code minSpare} and no target recorded yet. */
    public PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                    int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                    int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                    boolean recording) {
        this(id, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups,
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, new SparePolicy.Static(minSpare), null);
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
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, null, null);
    }
}
