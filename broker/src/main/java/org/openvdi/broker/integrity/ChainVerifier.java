package org.openvdi.broker.integrity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.openvdi.broker.integrity.api.ChainVerdict;
import org.openvdi.broker.integrity.ChainReport.Finding;
import org.postgresql.PGStatement;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks the chain against the stored events and the signed checkpoints, streaming: the links in chain order,
 * each joined to the event stored at its global index, are read in batches and hashed one after the other, so
 * memory does not grow with the events (only the open gaps and the list of checkpoint files are held). It answers
 * intact or the first finding:
 * <ul>
 *   <li>an event whose bytes differ from its link: ALTERED;</li>
 *   <li>a sealed event (or its link) missing while later ones remain: REMOVED; missing up to the end: TRUNCATED;</li>
 *   <li>another sealed event stored at a link's global index: REORDERED;</li>
 *   <li>a stored event below the highest sealed index that no link covers and no open gap expects: INSERTED;</li>
 *   <li>a signed checkpoint whose head differs from the chain at its size: CHECKPOINT_MISMATCH (the chain was
 *   recomputed by someone without the key); one larger than the chain: TRUNCATED (the newest events and their
 *   links were deleted); a checkpoint file without a valid signature: CHECKPOINT_INVALID.</li>
 * </ul>
 * The checkpoint files are listed before the database snapshot is taken (one repeatable-read transaction), and
 * the sealer writes a checkpoint only after its links committed, so every listed checkpoint is within the snapshot.
 */
@Component
class ChainVerifier {

    private static final int FETCH = 10_000;
    /**
     * Slices checked at once on the fast path: PostgreSQL sends links and events, this JVM merges and hashes. Each
     * slice holds two connections of the pool (its links and its events), so at most three slices run at once.
     */
    private static final int THREADS = Math.max(2, Math.min(3, Runtime.getRuntime().availableProcessors()));
    static final String CHAIN = "SELECT l.position, l.global_index, l.event_identifier, l.link, "
            + StoredEvent.COLUMNS + " FROM event_chain_link l LEFT JOIN domainevententry e ON e.globalindex = l.global_index "
            + "ORDER BY l.position";
    private static final String UNSEALED = "SELECT e.globalindex, e.eventidentifier FROM domainevententry e "
            + "WHERE e.globalindex <= ? AND NOT EXISTS (SELECT 1 FROM event_chain_link l WHERE l.global_index = e.globalindex) "
            + "ORDER BY e.globalindex";

    private final ChainTables tables;
    private final CheckpointWriter checkpoints;
    private final JdbcTemplate streaming;
    private final TransactionTemplate snapshot;
    private final DataSource dataSource;

    ChainVerifier(ChainTables tables, CheckpointWriter checkpoints, DataSource dataSource,
                  PlatformTransactionManager transactionManager) {
        this.tables = tables;
        this.checkpoints = checkpoints;
        this.dataSource = dataSource;
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(FETCH);
        this.snapshot = new TransactionTemplate(transactionManager);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
    }

    ChainReport verify() {
        long started = System.nanoTime();
        Optional<CheckpointKeys> keys = checkpoints.keys();
        List<CheckpointDirectory.Entry> written = keys.isPresent() ? checkpoints.directory().list() : List.of();
        Walk walk = new Walk(written, keys, checkpoints.settings().origin());
        snapshot.executeWithoutResult(status -> {
            Set<Long> gaps = new HashSet<>(tables.gaps());
            Optional<ChainSlices.Intact> fast = inSlices(walk, gaps);
            if (fast.isPresent()) {
                fast.get().inserted().ifPresent(event -> walk.found(ChainVerdict.INSERTED, inserted(event.globalIndex(),
                        event.eventIdentifier())));
            } else {
                try {
                    streaming.query(ChainVerifier::binaryCursor, walk::row);
                    walk.end();
                } catch (Walk.Stop stop) {
                    // the walk's finding is set
                }
                unsealed(walk, gaps);
            }
        });
        long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        ChainVerdict verdict = walk.verdict == null ? ChainVerdict.INTACT : walk.verdict;
        return new ChainReport(verdict, walk.checked, walk.checkpointsChecked, walk.expected,
                Base64.getEncoder().encodeToString(walk.previous), millis, walk.checked * 1000 / millis,
                keys.isPresent(), walk.finding);
    }

    /**
     * The fast path ({@link ChainSlices}): the chain checked in parallel slices within this transaction's snapshot.
     * Answers the chain when it proved the chain and every listed checkpoint intact (with the first inserted event, if
     * any, found on the way); empty, and the walk from the start runs, otherwise.
     */
    private Optional<ChainSlices.Intact> inSlices(Walk walk, Set<Long> gaps) {
        java.util.Map<String, Object> newest = streaming.queryForMap(
                "SELECT max(position) AS position, max(global_index) AS global_index FROM event_chain_link");
        if (newest.get("position") == null) {
            return Optional.empty();
        }
        long size = ((Number) newest.get("position")).longValue() + 1;
        long highWater = ((Number) newest.get("global_index")).longValue();
        String snapshotId = streaming.queryForObject("SELECT pg_export_snapshot()", String.class);
        Set<Long> sizes = walk.written.stream().map(CheckpointDirectory.Entry::size).collect(Collectors.toSet());
        return ChainSlices.verify(dataSource, snapshotId, size, highWater, THREADS, sizes, gaps).filter(walk::intact);
    }

    /**
     * The chain's rows in batches, with every column in PostgreSQL's binary format: bytea in text format is hex,
     * twice the bytes to send and decode. (The driver uses binary only for statements it prepared on the server,
     * after a few runs; a negative threshold asks for it at once.)
     */
    private static PreparedStatement binaryCursor(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(CHAIN, ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY);
        statement.setFetchSize(FETCH);
        if (statement.isWrapperFor(PGStatement.class)) {
            statement.unwrap(PGStatement.class).setPrepareThreshold(-1);
        }
        return statement;
    }

    /** The first stored event below the high-water mark that no link covers and no open gap awaits: inserted. */
    private void unsealed(Walk walk, Set<Long> gaps) {
        try {
            streaming.query(UNSEALED, (ResultSet row) -> {
                long index = row.getLong(1);
                if (!gaps.contains(index)) {
                    if (walk.finding == null || walk.finding.globalIndex() != null && index < walk.finding.globalIndex()) {
                        walk.found(ChainVerdict.INSERTED, inserted(index, row.getString(2)));
                    }
                    throw new Walk.Stop();
                }
            }, walk.highWater);
        } catch (Walk.Stop stop) {
            // first one found
        }
    }

    private static Finding inserted(long globalIndex, String eventIdentifier) {
        return new Finding(null, globalIndex, eventIdentifier,
                "event at global index " + globalIndex + " was never sealed, though the chain went past it");
    }

    /** The state of one pass along the chain. */
    private final class Walk {

        /** Ends the pass at the first finding. */
        static final class Stop extends RuntimeException {
            Stop() {
                super(null, null, false, false);
            }
        }

        private final List<CheckpointDirectory.Entry> written;
        private final Optional<CheckpointKeys> keys;
        private final String origin;
        private final ChainLinks links = new ChainLinks();
        private int nextCheckpoint;
        private long expected;
        private long checked;
        private long checkpointsChecked;
        private long highWater;
        private byte[] previous = ChainLinks.GENESIS;
        private Finding missingSince;
        private ChainVerdict verdict;
        private Finding finding;

        Walk(List<CheckpointDirectory.Entry> written, Optional<CheckpointKeys> keys, String origin) {
            this.written = written;
            this.keys = keys;
            this.origin = origin;
        }

        void row(ResultSet row) throws SQLException {
            long position = row.getLong(1);
            long globalIndex = row.getLong(2);
            byte[] link = row.getBytes(4);
            if (position != expected) {
                stop(ChainVerdict.REMOVED, new Finding(expected, null, null, "the links of chain positions " + expected
                        + " to " + (position - 1) + " are gone, and their events with them"));
            }
            highWater = Math.max(highWater, globalIndex);
            row.getLong(5);
            if (row.wasNull()) {
                if (missingSince == null) {
                    missingSince = new Finding(position, globalIndex, row.getString(3), null);
                }
                previous = link;
            } else {
                if (missingSince != null) {
                    stop(ChainVerdict.REMOVED, removed());
                }
                if (!Arrays.equals(row.getBytes(3), row.getBytes(6))) {
                    StoredEvent event = StoredEvent.read(row, 5);
                    Optional<Long> sealedAt = tables.positionOf(event.eventIdentifier());
                    stop(sealedAt.isPresent() ? ChainVerdict.REORDERED : ChainVerdict.ALTERED, new Finding(position,
                            globalIndex, event.eventIdentifier(), sealedAt.isPresent()
                                    ? "event sealed at chain position " + sealedAt.get() + " is stored at global index "
                                    + globalIndex + ", where event " + row.getString(3) + " was sealed"
                                    : "the event stored at global index " + globalIndex + " is not the one sealed there ("
                                    + row.getString(3) + ")"));
                }
                byte[] computed = links.next(previous, row, 5);
                if (!Arrays.equals(computed, link)) {
                    stop(ChainVerdict.ALTERED, new Finding(position, globalIndex, row.getString(3),
                            "the stored bytes of the event differ from those sealed"));
                }
                previous = computed;
                checked++;
            }
            expected = position + 1;
            checkpointsUpTo(expected);
        }

        /** Takes a chain the slices proved intact, if every listed checkpoint is signed and agrees with it. */
        boolean intact(ChainSlices.Intact chain) {
            for (CheckpointDirectory.Entry entry : written) {
                Optional<CheckpointNote> note = keys.flatMap(k -> CheckpointNote.verified(
                        CheckpointDirectory.read(entry.file()), k.verifying()))
                        .filter(n -> n.origin().equals(origin) && n.size() == entry.size());
                byte[] link = chain.linksAtSizes().get(entry.size());
                if (note.isEmpty() || link == null || !Arrays.equals(note.get().head(), link)) {
                    return false;
                }
            }
            checked = chain.size();
            expected = chain.size();
            highWater = chain.highWater();
            previous = chain.head();
            checkpointsChecked = written.size();
            nextCheckpoint = written.size();
            return true;
        }

        void end() {
            if (missingSince != null) {
                stop(ChainVerdict.TRUNCATED, new Finding(missingSince.position(), missingSince.globalIndex(),
                        missingSince.eventIdentifier(), "the newest " + (expected - missingSince.position())
                        + " sealed events are gone, from chain position " + missingSince.position() + " on"));
            }
            while (nextCheckpoint < written.size()) {
                CheckpointDirectory.Entry entry = written.get(nextCheckpoint);
                CheckpointNote note = signed(entry);
                stop(ChainVerdict.TRUNCATED, new Finding(expected, null, null, "a signed checkpoint covers "
                        + note.size() + " events up to global index " + note.lastIndex() + ", the chain holds "
                        + expected + ": the newest events and their links were deleted"));
            }
        }

        private Finding removed() {
            return new Finding(missingSince.position(), missingSince.globalIndex(), missingSince.eventIdentifier(),
                    "the sealed event at global index " + missingSince.globalIndex() + " is gone");
        }

        private void checkpointsUpTo(long size) {
            while (nextCheckpoint < written.size() && written.get(nextCheckpoint).size() <= size) {
                CheckpointDirectory.Entry entry = written.get(nextCheckpoint);
                CheckpointNote note = signed(entry);
                if (note.size() != size || !Arrays.equals(note.head(), previous)) {
                    stop(ChainVerdict.CHECKPOINT_MISMATCH, new Finding(size - 1, null, null, "the chain's head at size "
                            + note.size() + " differs from the signed checkpoint of "
                            + note.time() + ": an event at or before chain position " + (size - 1)
                            + " was changed and the chain recomputed"));
                }
                checkpointsChecked++;
                nextCheckpoint++;
            }
        }

        private CheckpointNote signed(CheckpointDirectory.Entry entry) {
            Optional<CheckpointNote> note = CheckpointNote.verified(CheckpointDirectory.read(entry.file()),
                    keys.orElseThrow().verifying()).filter(n -> n.origin().equals(origin) && n.size() == entry.size());
            if (note.isEmpty()) {
                stop(ChainVerdict.CHECKPOINT_INVALID, new Finding(null, null, null, "the checkpoint file "
                        + entry.file().getFileName() + " carries no valid signature of the checkpoint key"));
            }
            return note.get();
        }

        void found(ChainVerdict kind, Finding where) {
            verdict = kind;
            finding = where;
        }

        private void stop(ChainVerdict kind, Finding where) {
            found(kind, where);
            throw new Stop();
        }
    }
}
