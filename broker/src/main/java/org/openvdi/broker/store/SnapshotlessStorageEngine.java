package org.openvdi.broker.store;

import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;

/**
 * Axon's JDBC storage engine without the look for a snapshot before each aggregate is loaded. The broker takes no
 * snapshots (its aggregates hold a few dozen events at most), so that look was one query on every command that always
 * came back empty: a round trip on each of a session request's commands (README.md, "Logon storm"). Whoever adds a
 * snapshot trigger must use Axon's engine again.
 */
final class SnapshotlessStorageEngine extends JdbcEventStorageEngine {

    SnapshotlessStorageEngine(JdbcEventStorageEngine.Builder builder) {
        super(builder);
    }

    @Override
    protected Stream<? extends DomainEventData<?>> readSnapshotData(String aggregateIdentifier) {
        return Stream.empty();
    }
}
