package org.openvdi.broker.demand;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.eventhandling.EventMessage;
import org.springframework.jdbc.core.simple.JdbcClient;


/**
 * Writes the demand history of one event into one set of demand tables: the live projection and a replay use the
 * same writer, so a replay can only differ if the events do. Every time written is the event's timestamp.
 * <ul>
 *   <li>A request is <em>warm</em> when the desktop it got was READY before it was asked for (a spare, or the user's
 *   own running desktop), else <em>cold</em>: the user waited for a provisioning or a power-on. Its wait is from the
 *   request to the assignment.</li>
 *   <li>A spare is a READY desktop that no user owns and nobody holds, from its READY event until it is assigned or
 *   leaves (recycled, failed, lost, destroyed, powered off, recomposed).</li>
 *   <li>A lead time is one provisioning's time from its request (or a recomposition) to READY.</li>
 * </ul>
 * Events are written in batches ({@link DemandBatch}): the rows a batch touches are read once, the events applied to
 * them in order, and the changes written with one statement per table; the rows are those that writing the events one
 * at a time would leave, whatever the batches.
 */
final class DemandWriter {

    static final Duration BUCKET = Duration.ofMinutes(5);

    private final JdbcClient jdbc;
    private final DemandTables tables;

    DemandWriter(JdbcClient jdbc, DemandTables tables) {
        this.jdbc = jdbc;
        this.tables = tables;
    }

    /** Writes what {@code event} changes, if anything. */
    void write(EventMessage<?> event) {
        write(List.of(event));
    }

    /** Writes what {@code events} change, in their order, as one batch. */
    void write(List<? extends EventMessage<?>> events) {
        DemandBatch batch = begin(events);
        events.forEach(batch::apply);
        batch.flush();
    }

    /** A batch that will apply (some of) {@code upcoming}: the rows they touch are read now, in one query per table. */
    DemandBatch begin(List<? extends EventMessage<?>> upcoming) {
        return new DemandBatch(new DemandRows(jdbc, tables), upcoming);
    }

    void clear() {
        tables.all().forEach(table -> jdbc.sql("DELETE FROM " + table).update());
    }

    static Instant bucketOf(Instant at) {
        long size = BUCKET.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), size) * size);
    }
}
