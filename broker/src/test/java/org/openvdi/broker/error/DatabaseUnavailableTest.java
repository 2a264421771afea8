package org.openvdi.broker.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AppProcess;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Which failures mean "the database cannot be reached", taken from a real PostgreSQL driver and a real Hikari pool
 * pointed at a port where no server listens (the state of a stopped PostgreSQL), not from hand-made exceptions.
 */
class DatabaseUnavailableTest {

    @Test
    void givenNoServer_whenTheDriverConnects_thenItsRefusalIsAnUnavailableDatabase() throws Exception {
        int port = AppProcess.freePort();

        Throwable refused = catchThrowable(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/x", "u", "p"));

        assertThat(refused).isInstanceOf(SQLException.class);
        assertThat(DatabaseUnavailable.causes(refused)).isTrue();
    }

    @Test
    void givenAPoolWithoutServer_whenAQueryRuns_thenItFailsWithinTheConnectionTimeoutAsAnUnavailableDatabase() throws Exception {
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + AppProcess.freePort() + "/x");
            pool.setUsername("u");
            pool.setConnectionTimeout(1000);
            pool.setInitializationFailTimeout(-1);
            JdbcClient jdbc = JdbcClient.create(pool);
            catchThrowable(() -> jdbc.sql("SELECT 1").query(Integer.class).single()); // loads the classes involved
            long started = System.nanoTime();

            Throwable failure = catchThrowable(() -> jdbc.sql("SELECT 1").query(Integer.class).single());

            System.out.println("failed after " + (System.nanoTime() - started) / 1_000_000 + " ms: " + failure);
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(2000);
            assertThat(DatabaseUnavailable.causes(new CommandExecutionException("wrapped", failure))).isTrue();
        }
    }

    @Test
    void givenOtherFailures_whenAsked_thenTheyAreNotAnUnavailableDatabase() {
        assertThat(DatabaseUnavailable.causes(null)).isFalse();
        assertThat(DatabaseUnavailable.causes(new DuplicateKeyException("taken"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new SQLException("syntax", "42601"))).isFalse();
        assertThat(DatabaseUnavailable.causes(new IllegalStateException(new SQLException("shutting down", "57P01")))).isTrue();
        assertThat(DatabaseUnavailable.causes(new SQLException("starting", "57P03"))).isTrue();
    }
}
