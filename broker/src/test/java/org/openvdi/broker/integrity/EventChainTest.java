package org.openvdi.broker.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.integrity.api.ChainVerdict;
import org.openvdi.broker.integrity.api.SignedCheckpoint;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The sealer and the verifier on the shared embedded PostgreSQL, driven directly. Each tampering is done the way
 * someone with database access would do it, with SQL on the stored rows, and each test is named by what verify
 * reports. The late gap filler is a real out-of-order commit of two transactions.
 */
class EventChainTest {

    static ProcessHarness harness;

    @TempDir
    Path work;
    Instant now = Instant.parse("2030-01-01T10:00:00Z");
    final List<SignedCheckpoint> announced = new ArrayList<>();
    JdbcClient jdbc;
    DataSource dataSource;
    StoredEventRows events;
    CheckpointWriter checkpoints;
    EventChainSealer sealer;
    ChainVerifier verifier;

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(ChainTables.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void emptyStoreAndFreshCheckpoints() {
        harness.reset();
        jdbc = harness.jdbc();
        // truncating keeps the sequence where it was: start from global index 1, as a new event store does
        jdbc.sql("ALTER SEQUENCE domainevententry_globalindex_seq RESTART").update();
        dataSource = harness.bean(DataSource.class);
        events = new StoredEventRows(dataSource);
        CheckpointKeyFiles keys = CheckpointKeyFiles.generate(work.resolve("keys"));
        CheckpointSettings settings = new CheckpointSettings(work.resolve("checkpoints"), keys.privateKey(), null,
                "test.openvdi/event-chain", 5, Duration.ofMinutes(1));
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        checkpoints = new CheckpointWriter(settings, event -> announced.add((SignedCheckpoint) event), clock);
        ChainTables tables = harness.bean(ChainTables.class);
        sealer = new EventChainSealer(tables, harness.bean(ClusterLock.class),
                new SealingSettings(true, Duration.ofSeconds(1), 5000, Duration.ofMinutes(10), 10_000), checkpoints, clock);
        verifier = new ChainVerifier(tables, checkpoints, dataSource, harness.bean(PlatformTransactionManager.class));
    }

    /** 20 events sealed in four runs of five: four signed checkpoints, of sizes 5, 10, 15 and 20. */
    private void twentySealedEvents() {
        for (int run = 0; run < 4; run++) {
            events.append(5);
            assertThat(sealer.sealAll()).isEqualTo(5);
        }
    }

    private long globalIndexAt(long position) {
        return jdbc.sql("SELECT global_index FROM event_chain_link WHERE position = ?").param(position)
                .query(Long.class).single();
    }

    @Test
    void givenSealedEvents_whenNothingChanged_thenIntactWithEveryEventAndCheckpointChecked() {
        twentySealedEvents();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.INTACT);
        assertThat(report.eventsChecked()).isEqualTo(20);
        assertThat(report.checkpointsChecked()).isEqualTo(4);
        assertThat(report.finding()).isNull();
        assertThat(announced).extracting(SignedCheckpoint::size).containsExactly(5L, 10L, 15L, 20L);
        assertThat(announced.get(3).note()).startsWith("test.openvdi/event-chain\n20\n").contains("\n\n\u2014 test.openvdi/event-chain ");
    }

    @Test
    void givenSealedEvents_whenCheckedInSlices_thenTheFastPathProvesThemIntactAndRefusesAChangedByte() throws Exception {
        twentySealedEvents();
        byte[] head = jdbc.sql("SELECT link FROM event_chain_link WHERE position = 19").query(byte[].class).single();
        byte[] atTen = jdbc.sql("SELECT link FROM event_chain_link WHERE position = 9").query(byte[].class).single();

        for (int slices : List.of(1, 2, 3, 4)) {
            assertThat(inSlices(slices)).as("%d slices", slices).hasValueSatisfying(chain -> {
                assertThat(chain.size()).isEqualTo(20);
                assertThat(chain.head()).isEqualTo(head);
                assertThat(chain.highWater()).isEqualTo(globalIndexAt(19));
                assertThat(chain.linksAtSizes()).containsOnlyKeys(5L, 10L, 15L, 20L);
                assertThat(chain.linksAtSizes().get(10L)).isEqualTo(atTen);
            });
        }
        jdbc.sql("UPDATE domainevententry SET metadata = set_byte(metadata, 1, get_byte(metadata, 1) # 1) WHERE globalindex = ?")
                .param(globalIndexAt(12)).update();
        for (int slices : List.of(1, 2, 3, 4)) {
            assertThat(inSlices(slices)).as("%d slices after a changed byte", slices).isEmpty();
        }
    }

    /** The verifier's fast path on its own, in a snapshot of this test's, in {@code slices} slices of 20 events. */
    private java.util.Optional<ChainSlices.Intact> inSlices(int slices) throws Exception {
        long size = jdbc.sql("SELECT count(*) FROM event_chain_link").query(Long.class).single();
        long highWater = jdbc.sql("SELECT max(global_index) FROM event_chain_link").query(Long.class).single();
        try (Connection connection = dataSource.getConnection(); java.sql.Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            try (java.sql.ResultSet snapshot = statement.executeQuery("SELECT pg_export_snapshot()")) {
                snapshot.next();
                return ChainSlices.verify(dataSource, snapshot.getString(1), size, highWater, slices,
                        java.util.Set.of(5L, 10L, 15L, 20L), java.util.Set.copyOf(harness.bean(ChainTables.class).gaps()), 1);
            } finally {
                connection.rollback();
            }
        }
    }

    @Test
    void givenOnePayloadByteChanged_whenVerified_thenAlteredAtThatEvent() {
        twentySealedEvents();
        long target = globalIndexAt(7);
        jdbc.sql("UPDATE domainevententry SET payload = set_byte(payload, 3, get_byte(payload, 3) # 1) WHERE globalindex = ?")
                .param(target).update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.ALTERED);
        assertThat(report.finding().position()).isEqualTo(7);
        assertThat(report.finding().globalIndex()).isEqualTo(target);
        assertThat(report.eventsChecked()).isEqualTo(7);
    }

    @Test
    void givenRowDeletedInTheMiddle_whenVerified_thenRemovedAtThatEvent() {
        twentySealedEvents();
        long target = globalIndexAt(11);
        jdbc.sql("DELETE FROM domainevententry WHERE globalindex = ?").param(target).update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.REMOVED);
        assertThat(report.finding().globalIndex()).isEqualTo(target);
        assertThat(report.finding().position()).isEqualTo(11);
    }

    @Test
    void givenRowAndItsLinkDeletedInTheMiddle_whenVerified_thenRemovedAtThatPosition() {
        twentySealedEvents();
        long target = globalIndexAt(11);
        jdbc.sql("DELETE FROM domainevententry WHERE globalindex = ?").param(target).update();
        jdbc.sql("DELETE FROM event_chain_link WHERE position = 11").update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.REMOVED);
        assertThat(report.finding().position()).isEqualTo(11);
    }

    @Test
    void givenNewestRowsAndTheirLinksDeleted_whenVerified_thenTruncatedBecauseACheckpointCoversMore() {
        twentySealedEvents();
        long from = globalIndexAt(17);
        jdbc.sql("DELETE FROM domainevententry WHERE globalindex >= ?").param(from).update();
        jdbc.sql("DELETE FROM event_chain_link WHERE position >= 17").update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.TRUNCATED);
        assertThat(report.finding().detail()).contains("covers 20 events", "the chain holds 17");
        assertThat(report.checkpointsChecked()).isEqualTo(3);
    }

    @Test
    void givenNewestRowsDeleted_whenVerified_thenTruncatedFromTheFirstOfThem() {
        twentySealedEvents();
        long from = globalIndexAt(17);
        jdbc.sql("DELETE FROM domainevententry WHERE globalindex >= ?").param(from).update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.TRUNCATED);
        assertThat(report.finding().globalIndex()).isEqualTo(from);
        assertThat(report.finding().detail()).contains("newest 3 sealed events are gone");
    }

    @Test
    void givenTwoRowsSwapped_whenVerified_thenReorderedAtTheFirstOfThem() {
        twentySealedEvents();
        long first = globalIndexAt(4);
        long second = globalIndexAt(9);
        jdbc.sql("UPDATE domainevententry SET globalindex = -1 WHERE globalindex = ?").param(first).update();
        jdbc.sql("UPDATE domainevententry SET globalindex = ? WHERE globalindex = ?").param(first).param(second).update();
        jdbc.sql("UPDATE domainevententry SET globalindex = ? WHERE globalindex = -1").param(second).update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.REORDERED);
        assertThat(report.finding().globalIndex()).isEqualTo(first);
        assertThat(report.finding().detail()).contains("sealed at chain position 9");
    }

    @Test
    void givenRowInsertedIntoAForgottenGap_whenVerified_thenInsertedAtItsIndex() throws Exception {
        events.append(3);
        long gap = rolledBackInsert();
        events.append(3);
        sealer.sealAll();
        now = now.plus(Duration.ofMinutes(11));
        sealer.sealAll();
        assertThat(harness.bean(ChainTables.class).gaps()).isEmpty();
        jdbc.sql("""
                INSERT INTO domainevententry (globalindex, eventidentifier, aggregateidentifier, sequencenumber, type,
                    timestamp, payloadtype, payloadrevision, payload, metadata)
                VALUES (?, 'forged', 'forged-aggregate', 0, 'Desktop', '2030-01-01T09:00:00Z', 'x', '1', '\\x7b7d', NULL)""")
                .param(gap).update();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.INSERTED);
        assertThat(report.finding().globalIndex()).isEqualTo(gap);
        assertThat(report.finding().eventIdentifier()).isEqualTo("forged");
    }

    @Test
    void givenChainRecomputedWithoutTheKey_whenVerified_thenCheckpointMismatchAtTheFirstCheckpointAfterTheChange() {
        twentySealedEvents();
        jdbc.sql("UPDATE domainevententry SET payload = set_byte(payload, 3, get_byte(payload, 3) # 1) WHERE globalindex = ?")
                .param(globalIndexAt(7)).update();
        recomputeTheChain();

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.CHECKPOINT_MISMATCH);
        assertThat(report.finding().position()).isEqualTo(9);
        assertThat(report.checkpointsChecked()).isEqualTo(1);
    }

    @Test
    void givenCheckpointForgedWithAnotherKey_whenVerified_thenCheckpointInvalid() throws IOException {
        twentySealedEvents();
        Path forged = work.resolve("checkpoints").resolve(String.format("%020d.checkpoint", 25));
        CheckpointKeys other = CheckpointKeys.load(new CheckpointSettings(work, CheckpointKeyFiles.generate(work.resolve("other"))
                .privateKey(), null, "test.openvdi/event-chain", 5, Duration.ofMinutes(1))).orElseThrow();
        Files.writeString(forged, new CheckpointNote("test.openvdi/event-chain", 25, new byte[32], 99, now)
                .sign(other.signing().orElseThrow(), other.verifying()));

        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.CHECKPOINT_INVALID);
        assertThat(report.finding().detail()).contains("00000000000000000025.checkpoint");
    }

    @Test
    void givenEventCommittedLateIntoAGap_whenSealedAndVerified_thenIntactAndNeverInserted() throws Exception {
        events.append(2);
        long late;
        try (Connection slow = dataSource.getConnection()) {
            slow.setAutoCommit(false);
            late = events.insert(slow);
            events.append(3);
            sealer.sealAll();
            assertThat(harness.bean(ChainTables.class).gaps()).containsExactly(late);
            assertThat(verifier.verify().verdict()).isEqualTo(ChainVerdict.INTACT);
            slow.commit();
        }
        assertThat(verifier.verify().verdict()).as("committed, not yet sealed").isEqualTo(ChainVerdict.INTACT);

        assertThat(sealer.sealAll()).isEqualTo(1);
        ChainReport report = verifier.verify();

        assertThat(report.verdict()).isEqualTo(ChainVerdict.INTACT);
        assertThat(report.eventsChecked()).isEqualTo(6);
        assertThat(globalIndexAt(5)).as("sealed where it appeared").isEqualTo(late);
        for (int slices : List.of(1, 2, 3)) {
            assertThat(inSlices(slices)).as("the fast path, %d slices", slices).hasValueSatisfying(chain -> {
                assertThat(chain.size()).isEqualTo(6);
                assertThat(chain.highWater()).isEqualTo(globalIndexAt(4));
                assertThat(chain.inserted()).isEmpty();
            });
        }
        assertThat(harness.bean(ChainTables.class).gaps()).isEmpty();
    }

    @Test
    void givenNoNewEvents_whenSealedAgain_thenNothingSealedAndNoNewCheckpoint() {
        twentySealedEvents();

        assertThat(sealer.sealAll()).isZero();
        now = now.plus(Duration.ofHours(1));
        assertThat(sealer.sealAll()).isZero();

        assertThat(announced).hasSize(4);
    }

    /** Takes a global index and rolls its transaction back: a gap nobody fills. */
    private long rolledBackInsert() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            long index = events.insert(connection);
            connection.rollback();
            return index;
        }
    }

    /** What someone with database access but not the key can do: recompute every link from the stored rows. */
    private void recomputeTheChain() {
        ChainLinks links = new ChainLinks();
        byte[] previous = ChainLinks.GENESIS;
        List<Map<String, Object>> chain = jdbc.sql("SELECT position, global_index FROM event_chain_link ORDER BY position")
                .query().listOfRows();
        for (Map<String, Object> link : chain) {
            StoredEvent event = jdbc.sql("SELECT " + StoredEvent.COLUMNS + " FROM domainevententry e WHERE e.globalindex = ?")
                    .param(link.get("global_index")).query((row, n) -> StoredEvent.read(row, 1)).single();
            previous = links.next(previous, event);
            jdbc.sql("UPDATE event_chain_link SET link = ? WHERE position = ?").param(previous).param(link.get("position"))
                    .update();
        }
    }
}
