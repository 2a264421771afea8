package org.openvdi.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Reads the event store's table directly for a replay that rebuilds a read model: only the events of the named
 * payload or aggregate types, in the order of the global index, each event upcast and deserialized as the store's own
 * serializer and upcaster chain would (so an old revision reads as the storage engine and the streaming processors
 * read it; see {@link StoredEventDecoder}). A replay through a streaming processor pays Axon's per-event machinery
 * (a unit of work, interceptors, handler lookup) and reads every event; this pays only for the rows it needs.
 * <p>
 * The rows come as PostgreSQL's binary {@code COPY} of one range of {@value #RANGE} global positions after the other:
 * the server streams them without waiting for a fetch, and sends {@code bytea} as its bytes (a cursor's pages had the
 * server idle while the JVM decoded a page). A thread of its own receives them and hands pages of rows to a few
 * decoding threads; the caller takes the decoded pages in order on its own thread, so its writes overlap the
 * reading and decoding of the next pages. The selection is by the stored type names: an upcaster that renamed a
 * payload type would need its old name selected too (none does today: {@code pool/PowerPolicyUpcaster} changes
 * revisions only).
 */
@Component
public class StoredEventReader {

    /** Global positions per {@code COPY}: an index range scan each, in order. */
    static final long RANGE = 200_000;
    private static final String RANGE_COPY = "COPY (SELECT " + StoredEventDecoder.COLUMNS + " FROM domainevententry"
            + " WHERE globalindex > %d AND globalindex <= %d AND (payloadtype IN (%s) OR type IN (%s))"
            + " ORDER BY globalindex) TO STDOUT (FORMAT binary)";
    /** A type name as a Java class or an aggregate names it: the only text ever put into the COPY statement. */
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9_.$]{1,255}");

    /**
     * Which events a replay reads: those of these payload types (class names), and every event of these aggregates;
     * and which metadata keys its handlers read (the others are not even parsed, but by the upcasting path).
     */
    public record Selection(Collection<String> payloadTypes, Collection<String> aggregateTypes, Set<String> metaDataKeys) {

        public Selection {
            for (String name : payloadTypes) {
                requireTypeName(name);
            }
            for (String name : aggregateTypes) {
                requireTypeName(name);
            }
            metaDataKeys = Set.copyOf(metaDataKeys);
        }

        public static Selection of(Collection<Class<?>> payloadTypes, Collection<String> aggregateTypes,
                                   Set<String> metaDataKeys) {
            return new Selection(payloadTypes.stream().map(Class::getName).collect(Collectors.toSet()),
                    aggregateTypes, metaDataKeys);
        }

        private static void requireTypeName(String name) {
            if (!TYPE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Not a type name: " + name);
            }
        }

        private static String list(Collection<String> names) {
            return names.isEmpty() ? "NULL" : names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        }
    }

    private final DataSource dataSource;
    private final Serializer serializer;
    private final Supplier<EventUpcaster> upcasters;
    private final int decoders;
    private final long range;

    /** With the storage engine's serializer and Axon's upcaster chain (the one the engine is built with). */
    @Autowired
    StoredEventReader(DataSource dataSource, @Qualifier("eventSerializer") Serializer serializer,
                      org.axonframework.config.Configuration axon) {
        this(dataSource, serializer, axon::upcasterChain, RANGE);
    }

    /** With {@code range} global positions per {@code COPY}. */
    StoredEventReader(DataSource dataSource, Serializer serializer, Supplier<EventUpcaster> upcasters, long range) {
        this.dataSource = dataSource;
        this.serializer = serializer;
        this.upcasters = upcasters;
        this.range = range;
        this.decoders = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
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
        StoredEventDecoder decoder = new StoredEventDecoder(serializer, upcasters, selection.metaDataKeys());
        ExecutorService decoding = Executors.newFixedThreadPool(decoders, runnable -> {
            Thread thread = new Thread(runnable, "stored-event-decoder");
            thread.setDaemon(true);
            return thread;
        });
        BlockingQueue<Future<List<TrackedEventMessage<?>>>> ahead = new ArrayBlockingQueue<>(decoders + 1);
        Thread reader = new Thread(() -> produce(selection, upTo, pageSize, decoder, decoding, ahead),
                "stored-event-reader");
        reader.setDaemon(true);
        reader.start();
        long events = 0;
        try {
            while (true) {
                List<TrackedEventMessage<?>> page = ahead.take().get();
                if (page == null) {
                    return events;
                }
                if (!page.isEmpty()) {
                    events += page.size();
                    pages.accept(page);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the event store", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not read the event store", e.getCause());
        } finally {
            reader.interrupt();
            decoding.shutdownNow();
        }
    }

    /** Copies the rows range by range, a page of rows at a time to the decoders; a null page marks the end. */
    private void produce(Selection selection, long upTo, int pageSize, StoredEventDecoder decoder,
                         ExecutorService decoding, BlockingQueue<Future<List<TrackedEventMessage<?>>>> ahead) {
        try (Connection connection = dataSource.getConnection()) {
            String payloadTypes = Selection.list(selection.payloadTypes());
            String aggregateTypes = Selection.list(selection.aggregateTypes());
            List<byte[]> rows = new ArrayList<>(pageSize);
            for (long after = -1; after < upTo && !Thread.currentThread().isInterrupted(); after += range) {
                CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(String.format(
                        java.util.Locale.ROOT, RANGE_COPY, after, Math.min(upTo, after + range), payloadTypes,
                        aggregateTypes));
                try {
                    for (byte[] data = copy.readFromCopy(); data != null; data = copy.readFromCopy()) {
                        rows.add(data);
                        if (rows.size() == pageSize) {
                            List<byte[]> page = rows;
                            if (!offer(ahead, decoding.submit(() -> decoder.decode(page)))) {
                                return;
                            }
                            rows = new ArrayList<>(pageSize);
                        }
                    }
                } finally {
                    CopyStreams.drain(copy);
                }
            }
            List<byte[]> last = rows;
            if (!last.isEmpty() && !offer(ahead, decoding.submit(() -> decoder.decode(last)))) {
                return;
            }
            offer(ahead, CompletableFuture.completedFuture(null));
        } catch (Throwable e) {
            offer(ahead, CompletableFuture.failedFuture(e));
        }
    }

    private static boolean offer(BlockingQueue<Future<List<TrackedEventMessage<?>>>> ahead,
                                 Future<List<TrackedEventMessage<?>>> page) {
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
