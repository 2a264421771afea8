package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The deferred read-model writes on the shared real PostgreSQL: nothing is written before the unit of work prepares
 * to commit, then every row ends as its writes in their order make it, however the writes of different rows were
 * grouped into batches; a failing write fails the unit of work; outside one a write runs at once.
 */
class ReadModelWritesTest {

    static final String TABLE = "read_model_writes_test";
    static final String INSERT = "INSERT INTO " + TABLE + " (id, v, n) VALUES (?, ?, 0)";
    static final String SET_V = "UPDATE " + TABLE + " SET v = ?, n = n + 1 WHERE id = ?";
    static final String APPEND_V = "UPDATE " + TABLE + " SET v = v || ?, n = n + 1 WHERE id = ?";

    final JdbcTemplate jdbc = new JdbcTemplate(SharedPostgres.dataSource());
    final ReadModelWrites writes = new ReadModelWrites(jdbc);

    @BeforeEach
    void table() {
        jdbc.update("DROP TABLE IF EXISTS " + TABLE);
        jdbc.update("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER NOT NULL)");
    }

    @AfterEach
    void drop() {
        jdbc.update("DROP TABLE IF EXISTS " + TABLE);
    }

    Map<Integer, String> rows() {
        Map<Integer, String> rows = new TreeMap<>();
        jdbc.query("SELECT id, v, n FROM " + TABLE, rs -> {
            rows.put(rs.getInt("id"), rs.getString("v") + "/" + rs.getInt("n"));
        });
        return rows;
    }

    @Test
    void givenInterleavedWritesOfThreeRows_whenTheUnitOfWorkCommits_thenEachRowIsAsItsOwnOrderMakesIt() {
        DefaultUnitOfWork.startAndGet(new GenericMessage<>("events")).execute(() -> {
            writes.update(1, INSERT, 1, "a");
            writes.update(1, APPEND_V, "b", 1);
            writes.update(2, INSERT, 2, "x");
            writes.update(1, SET_V, "c", 1);          // after row 1's append: a later group
            writes.update(2, APPEND_V, "y", 2);       // joins the first append group (row 2's insert came before it)
            writes.update(1, APPEND_V, "d", 1);       // after row 1's set: a new append group
            writes.update(3, INSERT, 3, "p");
            writes.update(3, SET_V, "q", 3);
            writes.update(2, SET_V, "z", 2);
            writes.update(3, APPEND_V, "r", 3);
            assertThat(rows()).as("nothing before the commit").isEmpty();
        });

        assertThat(rows()).containsExactly(Map.entry(1, "cd/3"), Map.entry(2, "z/2"), Map.entry(3, "qr/2"));
    }

    @Test
    void givenAWriteThatFails_whenTheUnitOfWorkCommits_thenItFails() {
        jdbc.update(INSERT, 7, "taken");

        Throwable thrown = catchThrowable(() -> DefaultUnitOfWork.startAndGet(new GenericMessage<>("events"))
                .execute(() -> writes.update(7, INSERT, 7, "again")));

        assertThat(Stream.iterate(thrown, Objects::nonNull, Throwable::getCause)).as(String.valueOf(thrown))
                .anyMatch(DuplicateKeyException.class::isInstance);
        assertThat(rows()).containsExactly(Map.entry(7, "taken/0"));
    }

    @Test
    void givenNoUnitOfWork_whenWritten_thenTheRowIsWrittenAtOnce() {
        writes.update(5, INSERT, 5, "now");

        assertThat(rows()).containsExactly(Map.entry(5, "now/0"));
    }
}
