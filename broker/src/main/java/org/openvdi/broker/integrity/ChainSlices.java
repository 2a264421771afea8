package org.openvdi.broker.integrity;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The fast path of verification: the chain cut into slices of positions, each checked on its own connection and
 * thread, all in the one database snapshot the verification holds ({@code SET TRANSACTION SNAPSHOT}). A slice
 * starts from the stored link before it: when every link equals the hash of the stored link before it and its
 * event, the whole chain is the one the sealer computed, so the slices need not wait for each other. The fast path
 * only proves a chain intact; anything else (a gap in positions, a missing or different event, a link that does
 * not match) answers empty, and the caller walks the chain from the start to name the first finding exactly.
 * <p>
 * Each slice reads its rows with a binary {@code COPY}: PostgreSQL streams them while this JVM hashes (a cursor
 * sends a fetch's rows and then waits, idle, until they are hashed), and the hash runs over the bytes as received,
 * one array per row, no column decoded or copied ({@link CopiedRow}).
 */
final class ChainSlices {

    /**
     * A slice's rows, for {@code COPY ... (FORMAT binary)}: the link's position and bytes, then the event stored at its
     * global index in the columns the link covers ({@link StoredEvent#COLUMNS}, the global index taken from the link:
     * the join makes them equal), every column absent when no event is stored there.
     */
    static final String SLICE = "SELECT l.position, l.link, l.global_index, e.eventidentifier, e.aggregateidentifier, "
            + "e.sequencenumber, e.type, e.timestamp, e.payloadtype, e.payloadrevision, e.payload, e.metadata"
            + " FROM event_chain_link l LEFT JOIN domainevententry e ON e.globalindex = l.global_index"
            + " WHERE l.position >= %d AND l.position < %d ORDER BY l.position";

    private static final long MIN_SLICE = 10_000;

    /** An intact chain: its size, its highest sealed global index, its head and its links at the given sizes. */
    record Intact(long size, long highWater, byte[] head, Map<Long, byte[]> linksAtSizes) {
    }

    private record Slice(long highWater, byte[] last, Map<Long, byte[]> linksAtSizes) {
    }

    private ChainSlices() {
    }

    /**
     * Checks positions 0 to {@code size - 1} in {@code threads} parallel slices, in the snapshot {@code snapshotId};
     * answers the intact chain, or empty when any slice found anything.
     */
    static Optional<Intact> verify(DataSource dataSource, String snapshotId, long size, int threads, Set<Long> sizes) {
        return verify(dataSource, snapshotId, size, threads, sizes, MIN_SLICE);
    }

    /** The same, with slices of at least {@code minSlice} positions. */
    static Optional<Intact> verify(DataSource dataSource, String snapshotId, long size, int threads, Set<Long> sizes,
                                   long minSlice) {
        int slices = (int) Math.max(1, Math.min(threads, size / minSlice));
        ExecutorService pool = Executors.newFixedThreadPool(slices, runnable -> {
            Thread thread = new Thread(runnable, "chain-verify");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Optional<Slice>>> results = new ArrayList<>();
            for (int i = 0; i < slices; i++) {
                long from = size * i / slices;
                long to = size * (i + 1) / slices;
                results.add(pool.submit(() -> slice(dataSource, snapshotId, from, to, sizes)));
            }
            long highWater = 0;
            byte[] head = ChainLinks.GENESIS;
            Map<Long, byte[]> links = new HashMap<>();
            boolean intact = true;
            for (Future<Optional<Slice>> result : results) {
                Optional<Slice> slice = result.get();
                if (slice.isEmpty()) {
                    intact = false;
                } else {
                    highWater = Math.max(highWater, slice.get().highWater());
                    head = slice.get().last();
                    links.putAll(slice.get().linksAtSizes());
                }
            }
            return intact ? Optional.of(new Intact(size, highWater, head, links)) : Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Verifying a slice of the event chain failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while verifying the event chain", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Positions {@code from} to {@code to - 1}, starting from the stored link at {@code from - 1}. The rows come as
     * PostgreSQL's binary COPY: the server streams them without waiting for the next fetch, and each row arrives as
     * one array from which the link is hashed in place ({@link CopiedRow}).
     */
    private static Optional<Slice> slice(DataSource dataSource, String snapshotId, long from, long to, Set<Long> sizes)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "") + "'");
            }
            CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(
                    "COPY (" + String.format(java.util.Locale.ROOT, SLICE, Math.max(0, from - 1), to) + ") TO STDOUT (FORMAT binary)");
            try {
                return walk(copy, from, to, sizes);
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
                connection.rollback();
            }
        }
    }

    private static Optional<Slice> walk(CopyOut copy, long from, long to, Set<Long> sizes) throws SQLException {
        CopiedRow row = new CopiedRow();
        byte[] previous = ChainLinks.GENESIS;
        int previousAt = 0;
        long expected = Math.max(0, from - 1);
        long highWater = 0;
        Map<Long, byte[]> linksAtSizes = new HashMap<>();
        byte[] computed = new byte[32];
        ChainLinks links = new ChainLinks();
        for (byte[] data = copy.readFromCopy(); data != null; data = copy.readFromCopy()) {
            if (!row.read(data)) {
                continue; // the header or the trailer
            }
            long position = row.longAt(0);
            if (position != expected || row.length(1) != 32) {
                return Optional.empty();
            }
            expected++;
            if (position >= from) {
                if (row.length(3) < 0 || !links.next(previous, previousAt, row, computed)
                        || !Arrays.equals(computed, 0, 32, data, row.start(1), row.start(1) + 32)) {
                    return Optional.empty();
                }
                highWater = Math.max(highWater, row.longAt(2));
                if (sizes.contains(position + 1)) {
                    linksAtSizes.put(position + 1, Arrays.copyOfRange(data, row.start(1), row.start(1) + 32));
                }
            }
            previous = data;
            previousAt = row.start(1);
        }
        byte[] last = previous == ChainLinks.GENESIS ? previous : Arrays.copyOfRange(previous, previousAt, previousAt + 32);
        return expected == to ? Optional.of(new Slice(highWater, last, linksAtSizes)) : Optional.empty();
    }
}
