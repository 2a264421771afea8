package org.openvdi.broker.pool.api;

import java.util.Set;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Changes some of a pool's settings (a JSON Merge Patch): a null field stays as the pool has it. The pool
 * merges the change into its own state, so two changes of different fields never undo each other.
 */
public record ChangePoolCommand(@TargetAggregateIdentifier UUID poolId, String name, Integer minSpare, Integer maxSize,
                                PowerPolicy powerPolicy, Set<String> entitledUsers, Set<String> entitledGroups,
                                Boolean recording, SessionLimits sessionLimits) {

    /** A change that leaves the session limits as they are. */
    public ChangePoolCommand(UUID poolId, String name, Integer minSpare, Integer maxSize, PowerPolicy powerPolicy,
                             Set<String> entitledUsers, Set<String> entitledGroups, Boolean recording) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, recording, null);
    }

    /** A change that leaves recording as it is. */
    public ChangePoolCommand(UUID poolId, String name, Integer minSpare, Integer maxSize, PowerPolicy powerPolicy,
                             Set<String> entitledUsers, Set<String> entitledGroups) {
        this(poolId, name, minSpare, maxSize, powerPolicy, entitledUsers, entitledGroups, null);
    }
}
