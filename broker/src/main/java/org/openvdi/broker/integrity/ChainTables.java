package org.openvdi.broker.integrity;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.stereotype.Component;

/**
 * The SQL of the chain's tables ({@code event_chain_link}, {@code event_chain_gap}), and the reads of the event
 * store's rows the chain covers, by global index and as stored. Callers hold the transaction.
 */
@Component
class ChainTables {

    /** The newest link: the chain's size and head, and the highest global index sealed (0 before the first). */
    record Head(long size, byte[] link, long highWater) {

        static final Head EMPTY = new Head(0, ChainLinks.GENESIS, 0);
    }

    /** A link about to be stored. */
    record Link(long position, long globalIndex, String eventIdentifier, byte[] link) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    ChainTables(DataSource dataSource, PlatformTransactionManager transactionManager) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(transactionManager);
    }

    /** Runs one sealing step in one transaction: its links, gaps and filled gaps commit together or not at all. */
    <T> T inTransaction(java.util.function.Supplier<T> step) {
        return transactions.execute(status -> step.get());
    }

    Head head() {
        List<Head> newest = jdbc.query("SELECT position, link FROM event_chain_link ORDER BY position DESC LIMIT 1",
                (row, n) -> new Head(row.getLong(1) + 1, row.getBytes(2), 0));
        if (newest.isEmpty()) {
            return Head.EMPTY;
        }
        Long highWater = jdbc.queryForObject("SELECT max(global_index) FROM event_chain_link", Long.class);
        return new Head(newest.get(0).size(), newest.get(0).link(), highWater == null ? 0 : highWater);
    }

    /** Events that appeared in a remembered gap, oldest global index first. */
    List<StoredEvent> gapFillers() {
        return jdbc.query("SELECT " + StoredEvent.COLUMNS + " FROM domainevententry e "
                        + "WHERE e.globalindex IN (SELECT global_index FROM event_chain_gap) ORDER BY e.globalindex",
                (row, n) -> StoredEvent.read(row, 1));
    }

    /** At most {@code limit} events above {@code highWater}, by global index. */
    List<StoredEvent> after(long highWater, int limit) {
        return jdbc.query("SELECT " + StoredEvent.COLUMNS + " FROM domainevententry e WHERE e.globalindex > ? "
                + "ORDER BY e.globalindex LIMIT ?", (row, n) -> StoredEvent.read(row, 1), highWater, limit);
    }

    void insertLinks(List<Link> links, Instant sealedAt) {
        Timestamp at = Timestamp.from(sealedAt);
        jdbc.batchUpdate("INSERT INTO event_chain_link (position, global_index, event_identifier, link, sealed_at) "
                + "VALUES (?, ?, ?, ?, ?)", links, 1000, (statement, link) -> {
                    statement.setLong(1, link.position());
                    statement.setLong(2, link.globalIndex());
                    statement.setString(3, link.eventIdentifier());
                    statement.setBytes(4, link.link());
                    statement.setTimestamp(5, at);
                });
    }

    void openGaps(List<Long> globalIndexes, Instant noticedAt) {
        Timestamp at = Timestamp.from(noticedAt);
        jdbc.batchUpdate("INSERT INTO event_chain_gap (global_index, noticed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                globalIndexes, 1000, (statement, index) -> {
                    statement.setLong(1, index);
                    statement.setTimestamp(2, at);
                });
    }

    void closeGaps(List<Long> globalIndexes) {
        jdbc.batchUpdate("DELETE FROM event_chain_gap WHERE global_index = ?", globalIndexes, 1000,
                (statement, index) -> statement.setLong(1, index));
    }

    /** Forgets gaps noticed before {@code noticedBefore} or lying below {@code lowest}; answers how many. */
    int expireGaps(Instant noticedBefore, long lowest) {
        return jdbc.update("DELETE FROM event_chain_gap WHERE noticed_at < ? OR global_index < ?",
                Timestamp.from(noticedBefore), lowest);
    }

    List<Long> gaps() {
        return jdbc.queryForList("SELECT global_index FROM event_chain_gap ORDER BY global_index", Long.class);
    }

    /** The chain position of an event, when it was sealed. */
    Optional<Long> positionOf(String eventIdentifier) {
        return jdbc.queryForList("SELECT position FROM event_chain_link WHERE event_identifier = ?", Long.class,
                eventIdentifier).stream().findFirst();
    }

    static List<Long> between(long fromExclusive, long toExclusive) {
        List<Long> indexes = new ArrayList<>();
        for (long index = fromExclusive + 1; index < toExclusive; index++) {
            indexes.add(index);
        }
        return indexes;
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }
}
