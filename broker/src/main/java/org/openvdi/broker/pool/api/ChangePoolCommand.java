package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.spare.SparePolicy;

/**
 * Changes some of a pool's settings (a JSON Merge Patch): a null field stays as the pool has it. The pool
 * merges the change into its own state, so two changes of different fields never undo each other.
 *
 * @param sparePolicy   replaces the pool's spare policy whole. A {@code minSpare} without it changes the count of a
 *                      STATIC policy, and is refused for the other kinds (their counts live in the policy)
 * @param sessionLimits replaces the pool's session limits whole; null leaves them as they are
 * @param hostSelector  replaces the pool's host selector whole (empty: any host); null leaves it as it is
 */
public record ChangePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, Integer minSpare, Integer maxSize,
                                PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups,
                                Boolean recording, SparePolicy sparePolicy, SessionLimits sessionLimits,
                                Set<String> hostSelector) {

    /** A change that leaves the host selector as it is. */
    public ChangePoolCommand(UUID poolId, String name, Integer minSpare, Integer maxSize, PowerPolicy powerPolicy,
                             Set<String> entitledUsers, Set<String> entitledGroups, Boolean recording,
                             SparePolicy sparePolicy, SessionLimits sessionLimits) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, sparePolicy, sessionLimits, null);
    }

    /** A change of the spare policy (or none), leaving the session limits as they are. */
    public ChangePoolCommand(UUID poolId, String name, Integer minSpare, Integer maxSize, PowerPolicy powerPolicy,
                             Set<String> entitledUsers, Set<String> entitledGroups, Boolean recording,
                             SparePolicy sparePolicy) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, sparePolicy, (SessionLimits) null);
    }

    /** A change that leaves the spare policy (unless {@code minSpare} changes a static one) and the session limits as they are. */
    public ChangePoolCommand(UUID poolId, String name, Integer minSpare, Integer maxSize, PowerPolicy powerPolicy,
                             Set<String> entitledUsers, Set<String> entitledGroups, Boolean recording) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, (SparePolicy) null);
    }

    /** A change that leaves recording as it is. */
    public ChangePoolCommand(UUID poolId, String name, Integer minSpare, Integer maxSize, PowerPolicy powerPolicy,
                             Set<String> entitledUsers, Set<String> entitledGroups) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, null);
    }
}
