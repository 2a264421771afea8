package org.openvdi.broker.integrity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import org.postgresql.PGStatement;

/**
 * The fast path of verification: the chain cut into slices of positions, each checked on its own connection and
 * thread, all in the one database snapshot the verification holds ({@code SET TRANSACTION SNAPSHOT}). A slice
 * starts from the stored link before it: when every link equals the hash of the stored link before it and its
 * event, the whole chain is the one the sealer computed, so the slices need not wait for each other. The fast path
 * only proves a chain intact; anything else (a gap in positions, a missing or different event, a link that does
 * not match) answers empty, and the caller walks the chain from the start to name the first finding exactly.
 */
final class ChainSlices {

    static final String SLICE = "SELECT l.position, l.global_index, l.event_identifier, l.link, " + StoredEvent.COLUMNS
            + " FROM event_chain_link l LEFT JOIN domainevententry e ON e.globalindex = l.global_index"
            + " WHERE l.position >= ? AND l.position < ? ORDER BY l.position";
    private static final int FETCH = 10_000;

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
        int slices = (int) Math.max(1, Math.min(threads, size / 10_000));
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

    /** Positions {@code from} to {@code to - 1}, starting from the stored link at {@code from - 1}. */
    private static Optional<Slice> slice(DataSource dataSource, String snapshotId, long from, long to, Set<Long> sizes)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "") + "'");
            }
            try (PreparedStatement query = connection.prepareStatement(SLICE, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY)) {
                query.setFetchSize(FETCH);
                query.unwrap(PGStatement.class).setPrepareThreshold(-1);
                query.setLong(1, Math.max(0, from - 1));
                query.setLong(2, to);
                try (ResultSet row = query.executeQuery()) {
                    return walk(row, from, to, sizes);
                }
            } finally {
                connection.rollback();
            }
        }
    }

    private static Optional<Slice> walk(ResultSet row, long from, long to, Set<Long> sizes) throws SQLException {
        ChainLinks links = new ChainLinks();
        byte[] previous = ChainLinks.GENESIS;
        long expected = Math.max(0, from - 1);
        long highWater = 0;
        Map<Long, byte[]> linksAtSizes = new HashMap<>();
        while (row.next()) {
            long position = row.getLong(1);
            byte[] link = row.getBytes(4);
            if (position != expected) {
                return Optional.empty();
            }
            expected++;
            if (position < from) {
                previous = link;
                continue;
            }
            row.getLong(5);
            if (row.wasNull() || !Arrays.equals(row.getBytes(3), row.getBytes(6))
                    || !Arrays.equals(links.next(previous, row, 5), link)) {
                return Optional.empty();
            }
            highWater = Math.max(highWater, row.getLong(2));
            previous = link;
            if (sizes.contains(position + 1)) {
                linksAtSizes.put(position + 1, link);
            }
        }
        return expected == to ? Optional.of(new Slice(highWater, previous, linksAtSizes)) : Optional.empty();
    }
}
