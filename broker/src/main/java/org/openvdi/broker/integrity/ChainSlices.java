package org.openvdi.broker.integrity;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.openvdi.broker.store.CopyRow;
import org.openvdi.broker.store.CopyStreams;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The fast path of verification: the global index cut into slices, each checked on its own thread, all in the one
 * database snapshot the verification holds ({@code SET TRANSACTION SNAPSHOT}). A slice reads two streams, each a
 * binary {@code COPY} in global-index order on a connection of its own: the links whose events lie in the slice, and
 * the events stored there. It merges them here, so PostgreSQL only walks two indexes in order and sends rows (no
 * join, no sort), and hashes each link straight over the received bytes ({@link CopyRow}).
 * <p>
 * Events are sealed in the order they appear, which is the global index's except for an event that committed late
 * into a gap: in global-index order a link is almost always followed by the link of the next chain position, and is
 * then checked against the link read just before it. A link whose predecessor in the chain is not the row before it
 * (a late event, the first link of a slice) is kept with its event's row and checked at the end against the stored
 * link before it, read by position. When every link equals the hash of the stored link before it and its event,
 * there are as many links as the chain's size and every position's predecessor exists, the chain is the one the
 * sealer computed. Events no link covers come out of the same merge: the first one below the highest sealed index
 * that no open gap awaits was inserted.
 * <p>
 * The fast path only proves a chain intact; anything else (a link without its event, a link that does not match, a
 * position missing or doubled) answers empty, and the caller walks the chain from the start to name the first
 * finding exactly. So does a chain with more than {@value #MAX_DEFERRED} late events per slice, to bound memory.
 */
final class ChainSlices {

    /** A slice's links in global-index order: position, link, global index. */
    static final String LINKS = "SELECT l.position, l.link, l.global_index FROM event_chain_link l"
            + " WHERE l.global_index >= %d AND l.global_index < %d ORDER BY l.global_index";
    /** A slice's events in global-index order, in the columns the link covers ({@link StoredEvent#COLUMNS}). */
    static final String EVENTS = "SELECT " + StoredEvent.COLUMNS + " FROM domainevententry e"
            + " WHERE e.globalindex >= %d AND e.globalindex < %d ORDER BY e.globalindex";
    private static final int LINK_COLUMNS = 3;
    private static final int EVENT_COLUMNS = 10;
    private static final String PREDECESSORS = "SELECT position, link FROM event_chain_link WHERE position = ANY(?)";

    private static final long MIN_SLICE = 10_000;
    private static final int MAX_DEFERRED = 50_000;

    /** An event below the highest sealed index that no link covers and no open gap awaits. */
    record Unsealed(long globalIndex, String eventIdentifier) {
    }

    /**
     * An intact chain: its size, its highest sealed global index, its head, its links at the given sizes, and the
     * first inserted event, if any.
     */
    record Intact(long size, long highWater, byte[] head, Map<Long, byte[]> linksAtSizes, Optional<Unsealed> inserted) {
    }

    /** A link to check against the stored link at {@code position - 1}: its event's row and the stored link. */
    private record Deferred(long position, byte[] event, byte[] link) {
    }

    private record Slice(long links, List<Deferred> deferred, Map<Long, byte[]> linksAtSizes, Unsealed inserted) {
    }

    private ChainSlices() {
    }

    /**
     * Checks the chain of {@code size} links whose highest global index is {@code highWater} in {@code threads}
     * parallel slices, in the snapshot {@code snapshotId}; {@code gaps} are the open gaps. Answers the intact chain,
     * or empty when any slice found anything.
     */
    static Optional<Intact> verify(DataSource dataSource, String snapshotId, long size, long highWater, int threads,
                                   Set<Long> sizes, Set<Long> gaps) {
        return verify(dataSource, snapshotId, size, highWater, threads, sizes, gaps, MIN_SLICE);
    }

    /** The same, with slices of at least {@code minSlice} global indexes. */
    static Optional<Intact> verify(DataSource dataSource, String snapshotId, long size, long highWater, int threads,
                                   Set<Long> sizes, Set<Long> gaps, long minSlice) {
        long end = highWater + 1;
        int slices = (int) Math.max(1, Math.min(threads, end / minSlice));
        ExecutorService pool = Executors.newFixedThreadPool(slices, runnable -> {
            Thread thread = new Thread(runnable, "chain-verify");
            thread.setDaemon(true);
            return thread;
        });
        long[] wanted = sortedWith(sizes, size);
        try {
            List<Future<Optional<Slice>>> results = new ArrayList<>();
            for (int i = 0; i < slices; i++) {
                long from = end * i / slices;
                long to = end * (i + 1) / slices;
                results.add(pool.submit(() -> slice(dataSource, snapshotId, from, to, size, highWater, wanted, gaps)));
            }
            long links = 0;
            List<Deferred> deferred = new ArrayList<>();
            Map<Long, byte[]> linksAtSizes = new HashMap<>();
            Unsealed inserted = null;
            boolean intact = true;
            for (Future<Optional<Slice>> result : results) {
                Optional<Slice> slice = result.get();
                if (slice.isEmpty()) {
                    intact = false;
                } else {
                    links += slice.get().links();
                    deferred.addAll(slice.get().deferred());
                    linksAtSizes.putAll(slice.get().linksAtSizes());
                    inserted = inserted != null ? inserted : slice.get().inserted();
                }
            }
            if (!intact || links != size || !linksAtSizes.containsKey(size)
                    || !predecessorsMatch(dataSource, snapshotId, deferred)) {
                return Optional.empty();
            }
            byte[] head = linksAtSizes.remove(size);
            if (sizes.contains(size)) {
                linksAtSizes.put(size, head);
            }
            return Optional.of(new Intact(size, highWater, head, linksAtSizes, Optional.ofNullable(inserted)));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Verifying a slice of the event chain failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while verifying the event chain", e);
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the links before late events of the chain failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The checkpoint sizes and the chain's size, ascending, without duplicates: the merge looks each link's size up
     * in them, and a binary search of an array of numbers costs less than a set of boxed ones (8 of 93 samples).
     */
    static long[] sortedWith(Set<Long> sizes, long size) {
        long[] all = new long[sizes.size() + 1];
        int count = 0;
        for (Long each : sizes) {
            all[count++] = each;
        }
        all[count] = size;
        Arrays.sort(all);
        int distinct = 0;
        for (int i = 0; i < all.length; i++) {
            if (i == 0 || all[i] != all[distinct - 1]) {
                all[distinct++] = all[i];
            }
        }
        return Arrays.copyOf(all, distinct);
    }

    /** Global indexes {@code from} to {@code to - 1}: their links and their events, merged. */
    private static Optional<Slice> slice(DataSource dataSource, String snapshotId, long from, long to, long size,
                                         long highWater, long[] sizes, Set<Long> gaps) throws SQLException {
        try (Connection linkConnection = inSnapshot(dataSource.getConnection(), snapshotId);
             Connection eventConnection = inSnapshot(dataSource.getConnection(), snapshotId)) {
            CopyOut links = copy(linkConnection, LINKS, from, to);
            CopyOut events = copy(eventConnection, EVENTS, from, to);
            try {
                return new Merge(links, events, size, highWater, sizes, gaps).run();
            } finally {
                finish(links, linkConnection);
                finish(events, eventConnection);
            }
        }
    }

    private static Connection inSnapshot(Connection connection, String snapshotId) throws SQLException {
        try {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "") + "'");
            }
            return connection;
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static CopyOut copy(Connection connection, String query, long from, long to) throws SQLException {
        return connection.unwrap(PGConnection.class).getCopyAPI().copyOut(
                "COPY (" + String.format(Locale.ROOT, query, from, to) + ") TO STDOUT (FORMAT binary)");
    }

    /** The rest of the slice is read and dropped when the merge stopped early (a finding), never cancelled. */
    private static void finish(CopyOut copy, Connection connection) throws SQLException {
        try {
            CopyStreams.drain(copy);
        } finally {
            connection.rollback();
        }
    }

    /** Checks each deferred link against the stored link at the position before it, read in the same snapshot. */
    private static boolean predecessorsMatch(DataSource dataSource, String snapshotId, List<Deferred> deferred)
            throws SQLException {
        Map<Long, byte[]> before = new HashMap<>();
        List<Long> positions = new ArrayList<>();
        for (Deferred link : deferred) {
            if (link.position() == 0) {
                before.put(-1L, ChainLinks.GENESIS);
            } else {
                positions.add(link.position() - 1);
            }
        }
        if (!positions.isEmpty()) {
            try (Connection connection = inSnapshot(dataSource.getConnection(), snapshotId);
                 java.sql.PreparedStatement query = connection.prepareStatement(PREDECESSORS)) {
                query.setArray(1, connection.createArrayOf("bigint", positions.toArray()));
                try (java.sql.ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        if (before.put(rows.getLong(1), rows.getBytes(2)) != null) {
                            return false; // two links at one position
                        }
                    }
                } finally {
                    connection.rollback();
                }
            }
        }
        ChainLinks hash = new ChainLinks();
        CopyRow row = new CopyRow(EVENT_COLUMNS);
        byte[] computed = new byte[32];
        for (Deferred link : deferred) {
            byte[] previous = before.get(link.position() - 1);
            if (previous == null || previous.length != 32 || !row.read(link.event())
                    || !hash.next(previous, 0, row, 0, computed) || !Arrays.equals(computed, link.link())) {
                return false;
            }
        }
        return true;
    }

    /** One slice's merge of its links and its events, both in global-index order. */
    private static final class Merge {

        private final CopyOut links;
        private final CopyOut events;
        private final long size;
        private final long highWater;
        private final long[] sizes;
        private final Set<Long> gaps;
        private final CopyRow link = new CopyRow(LINK_COLUMNS);
        private final CopyRow event = new CopyRow(EVENT_COLUMNS);
        private final ChainLinks hash = new ChainLinks();
        private final byte[] computed = new byte[32];
        private final List<Deferred> deferred = new ArrayList<>();
        private final Map<Long, byte[]> linksAtSizes = new HashMap<>();
        private Unsealed inserted;
        private boolean eventRead;

        Merge(CopyOut links, CopyOut events, long size, long highWater, long[] sizes, Set<Long> gaps) {
            this.links = links;
            this.events = events;
            this.size = size;
            this.highWater = highWater;
            this.sizes = sizes;
            this.gaps = gaps;
        }

        Optional<Slice> run() throws SQLException {
            long count = 0;
            long previousPosition = -2;
            long previousIndex = Long.MIN_VALUE;
            byte[] previous = null;
            int previousAt = 0;
            boolean eventsLeft = nextEvent();
            while (nextRow(links, link)) {
                if (link.length(0) != 8 || link.length(1) != 32 || link.length(2) != 8) {
                    return Optional.empty();
                }
                long position = link.longAt(0);
                long globalIndex = link.longAt(2);
                if (position < 0 || position >= size || globalIndex <= previousIndex) {
                    return Optional.empty();
                }
                while (eventsLeft && event.longAt(0) < globalIndex) {
                    unsealed();
                    eventsLeft = nextEvent();
                }
                if (!eventsLeft || event.longAt(0) != globalIndex) {
                    return Optional.empty(); // the event sealed here is gone
                }
                byte[] data = link.data();
                int at = link.start(1);
                if (position == previousPosition + 1) {
                    if (!hash.next(previous, previousAt, event, 0, computed)
                            || !Arrays.equals(computed, 0, 32, data, at, at + 32)) {
                        return Optional.empty();
                    }
                } else if (deferred.size() < MAX_DEFERRED) {
                    deferred.add(new Deferred(position, event.data(), Arrays.copyOfRange(data, at, at + 32)));
                } else {
                    return Optional.empty();
                }
                if (Arrays.binarySearch(sizes, position + 1) >= 0) {
                    linksAtSizes.put(position + 1, Arrays.copyOfRange(data, at, at + 32));
                }
                count++;
                previousPosition = position;
                previousIndex = globalIndex;
                previous = data;
                previousAt = at;
                eventsLeft = nextEvent();
            }
            while (eventsLeft) {
                unsealed();
                eventsLeft = nextEvent();
            }
            return Optional.of(new Slice(count, deferred, linksAtSizes, inserted));
        }

        /** The current event has no link: inserted, unless a gap awaits it or it lies above the highest sealed. */
        private void unsealed() {
            long index = event.longAt(0);
            if (inserted == null && index <= highWater && !gaps.contains(index)) {
                inserted = new Unsealed(index, event.length(1) < 0 ? null : new String(event.data(), event.start(1),
                        event.length(1), StandardCharsets.UTF_8));
            }
        }

        private boolean nextEvent() throws SQLException {
            return nextRow(events, event) && event.length(0) == 8;
        }

        private static boolean nextRow(CopyOut copy, CopyRow row) throws SQLException {
            for (byte[] data = copy.readFromCopy(); data != null; data = copy.readFromCopy()) {
                if (row.read(data)) {
                    return true;
                }
            }
            return false;
        }
    }
}
