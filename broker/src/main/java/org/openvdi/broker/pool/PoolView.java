package org.openvdi.broker.pool;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.pool.api.PoolState;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.SessionLimits;
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
 * @param state       ACTIVE, DRAINING (being deleted: see {@code drain}) or DELETED
 * @param drain       the deletion under way or done, null while the pool is active
 * @param sessionLimits limits on its sessions and the power action for disconnected desktops
 * @param hostSelector  the terms a host's labels must meet to take the pool's desktops (empty: any host; admins and
 *                      auditors only)
 * @param placementProblem why the pool's desktops cannot be placed now (no host matches its selector, or none that
 *                      matches has room); null when they can (admins and auditors only)
 */
public record PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                       int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                       int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                       boolean recording, SparePolicy sparePolicy, SpareTargetView spareTarget, PoolState state,
                       Drain drain, SessionLimits sessionLimits, Set<String> hostSelector, String placementProblem) {

    public PoolView {
        sessionLimits = sessionLimits == null ? SessionLimits.NONE : sessionLimits;
        hostSelector = hostSelector == null ? Set.of() : Set.copyOf(hostSelector);
    }

    /** A pool as before host selectors: any host. */
    public PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                    int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                    int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                    boolean recording, SparePolicy sparePolicy, SpareTargetView spareTarget, PoolState state,
                    Drain drain, SessionLimits sessionLimits) {
        this(id, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups,
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, sparePolicy, spareTarget, state,
                drain, sessionLimits, Set.of(), null);
    }

    /** The pool's host selector. */
    public HostSelector selector() {
        return HostSelector.of(hostSelector);
    }

    /**
     * A recorded spare target.
     *
     * @param forecastOnly whether it is only what a forecast-only predictive policy would use (the pool keeps the
     *                     policy's minSpare)
     * @param since        when it was recorded
     */
    public record SpareTargetView(int spares, TargetReason reason, boolean forecastOnly, Instant since) {
    }

    /**
     * A pool's deletion: its open sessions are ended at {@code deadline}, after the {@code message} shown in their
     * desktop tabs; {@code userDisks} says what becomes of the user disks of a persistent pool.
     */
    public record Drain(Instant deadline, String message, UserDiskFate userDisks, String startedBy, Instant deletedAt) {
    }

    /** An active pool with a static spare count of {@code minSpare}, no target recorded yet and no session limits. */
    public PoolView(UUID id, String name, UUID templateId, int templateVersion, PoolType type, PowerPolicy powerPolicy,
                    int minSpare, int maxSize, Set<String> entitledUsers, Set<String> entitledGroups,
                    int desktops, int readySpares, int provisioning, Instant createdAt, Instant updatedAt,
                    boolean recording) {
        this(id, name, templateId, templateVersion, type, powerPolicy, minSpare, maxSize, entitledUsers, entitledGroups,
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, new SparePolicy.Static(minSpare), null,
                PoolState.ACTIVE, null, SessionLimits.NONE);
    }

    /** An active pool takes sessions and gets spares; a draining or deleted one does neither. */
    public boolean active() {
        return state == PoolState.ACTIVE;
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
                desktops, readySpares, provisioning, createdAt, updatedAt, recording, null, null, state,
                drain == null ? null : new Drain(drain.deadline(), drain.message(), drain.userDisks(), null, drain.deletedAt()),
                sessionLimits, Set.of(), null);
    }
}
