package org.openvdi.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.postgresql.PGStatement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Reads the event store's table directly for a replay that rebuilds a read model: only the events of the named
 * payload or aggregate types, in the order of the global index, in pages of thousands of rows, each event upcast and
 * deserialized with the store's own serializer and upcaster chain (so an old revision reads as the storage engine
 * and the streaming processors read it). A replay through a streaming processor pays Axon's per-event machinery
 * (a unit of work, interceptors, handler lookup) and reads every event; this pays only for the rows it needs.
 * <p>
 * Reading and deserializing run on a thread of their own, a page or two ahead of the caller, which handles the
 * pages in order on its own thread: the replay's writes to PostgreSQL overlap the next page's reading. The
 * selection is by the stored type names: an upcaster that renamed a payload type would need its old name selected
 * too (none does today: {@code pool/PowerPolicyUpcaster} changes revisions only).
 */
@Component
public class StoredEventReader {

    /** The columns of Axon's {@code domainevententry}, in the order {@link #entry} reads them. */
    private static final String COLUMNS = "globalindex, eventidentifier, aggregateidentifier, sequencenumber, type,"
            + " timestamp, payloadtype, payloadrevision, payload, metadata";
    private static final String PAGE = "SELECT " + COLUMNS + " FROM domainevententry WHERE globalindex > ? AND"
            + " globalindex <= ? AND (payloadtype = ANY(?) OR type = ANY(?)) ORDER BY globalindex LIMIT ?";
    /** Pages read ahead of the caller. */
    private static final int AHEAD = 2;

    /** Which events a replay reads: those of these payload types (class names), and every event of these aggregates. */
    public record Selection(Collection<String> payloadTypes, Collection<String> aggregateTypes) {

        public static Selection of(Collection<Class<?>> payloadTypes, Collection<String> aggregateTypes) {
            return new Selection(payloadTypes.stream().map(Class::getName).collect(Collectors.toSet()),
                    aggregateTypes);
        }
    }

    private final DataSource dataSource;
    private final Serializer serializer;
    private final Supplier<EventUpcaster> upcasters;

    /** With the storage engine's serializer and Axon's upcaster chain (the one the engine is built with). */
    @Autowired
    StoredEventReader(DataSource dataSource, @Qualifier("eventSerializer") Serializer serializer,
                      org.axonframework.config.Configuration axon) {
        this(dataSource, serializer, axon::upcasterChain);
    }

    StoredEventReader(DataSource dataSource, Serializer serializer, Supplier<EventUpcaster> upcasters) {
        this.dataSource = dataSource;
        this.serializer = serializer;
        this.upcasters = upcasters;
    }

    /** The highest global index stored, -1 in an empty store. */
    public long head() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT coalesce(max(globalindex), -1) FROM domainevententry");
             ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the event store's head", e);
        }
    }

    /**
     * Hands the selected events with a global index up to {@code upTo} to {@code pages}, in order, {@code pageSize}
     * at a time (a page may hold fewer), with their payloads and metadata deserialized; returns how many there were.
     * A failure of either side stops both and is thrown here.
     */
    public long read(Selection selection, long upTo, int pageSize, Consumer<List<TrackedEventMessage<?>>> pages) {
        BlockingQueue<Page> ahead = new ArrayBlockingQueue<>(AHEAD);
        Thread reader = new Thread(() -> produce(selection, upTo, pageSize, ahead), "stored-event-reader");
        reader.setDaemon(true);
        reader.start();
        long events = 0;
        try {
            while (true) {
                Page page = ahead.take();
                if (page.failure() != null) {
                    throw new IllegalStateException("Could not read the event store", page.failure());
                }
                if (page.events().isEmpty()) {
                    return events;
                }
                events += page.events().size();
                pages.accept(page.events());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the event store", e);
        } finally {
            reader.interrupt();
        }
    }

    /** A page of events; empty at the end, or the failure that ended the reading. */
    private record Page(List<TrackedEventMessage<?>> events, Throwable failure) {
    }

    private void produce(Selection selection, long upTo, int pageSize, BlockingQueue<Page> ahead) {
        try {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(PAGE)) {
                // binary transfer from the first page on: bytea as bytes, not as hex text
                statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
                statement.setFetchSize(pageSize);
                statement.setArray(3, connection.createArrayOf("varchar", selection.payloadTypes().toArray()));
                statement.setArray(4, connection.createArrayOf("varchar", selection.aggregateTypes().toArray()));
                long after = -1;
                while (!Thread.currentThread().isInterrupted()) {
                    statement.setLong(1, after);
                    statement.setLong(2, upTo);
                    statement.setInt(5, pageSize);
                    List<StoredEvent> rows = new ArrayList<>(pageSize);
                    try (ResultSet row = statement.executeQuery()) {
                        while (row.next()) {
                            rows.add(entry(row));
                        }
                    }
                    if (rows.isEmpty()) {
                        offer(ahead, new Page(List.of(), null));
                        return;
                    }
                    List<TrackedEventMessage<?>> events = deserialized(rows);
                    if (!events.isEmpty() && !offer(ahead, new Page(events, null))) {
                        return;
                    }
                    after = rows.get(rows.size() - 1).globalIndex();
                }
            }
        } catch (Throwable e) {
            offer(ahead, new Page(List.of(), e));
        }
    }

    private static StoredEvent entry(ResultSet row) throws SQLException {
        return new StoredEvent(row.getLong(1), row.getString(2), row.getString(3), row.getLong(4), row.getString(5),
                row.getString(6), row.getString(7), row.getString(8), row.getBytes(9), row.getBytes(10));
    }

    /** Upcast and deserialized as the storage engine does it, then the lazy parts made concrete on this thread. */
    private List<TrackedEventMessage<?>> deserialized(List<StoredEvent> rows) {
        List<TrackedEventMessage<?>> events = EventUtils.upcastAndDeserializeTrackedEvents(rows.stream(), serializer,
                upcasters.get()).collect(Collectors.toCollection(() -> new ArrayList<>(rows.size())));
        for (TrackedEventMessage<?> event : events) {
            event.getPayload();
            event.getMetaData();
            event.getTimestamp();
        }
        return events;
    }

    private static boolean offer(BlockingQueue<Page> ahead, Page page) {
        try {
            while (!ahead.offer(page, 100, TimeUnit.MILLISECONDS)) {
                if (Thread.currentThread().isInterrupted()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
