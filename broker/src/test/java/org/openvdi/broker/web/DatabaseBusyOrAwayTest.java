package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.RequestDispatcher;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openvdi.broker.error.DatabaseBusy;
import org.openvdi.broker.error.DatabaseUnavailable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A busy pool told apart from an unreachable database, on a real PostgreSQL of this class's own (it is stopped at the
 * end) and a real Hikari pool of two connections: first the pool is exhausted on purpose while the server answers,
 * then the server is stopped. The failures are the ones a controller (JdbcClient) and a command (a transaction) meet,
 * answered by the REST layer's one exit to problem+json, and one that left a filter by {@code /error}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseBusyOrAwayTest {

    static EmbeddedPostgres postgres;
    static HikariDataSource pool;

    @BeforeAll
    static void serverAndSmallPool() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        pool = new HikariDataSource();
        pool.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(2);
        pool.setConnectionTimeout(300);
        pool.setInitializationFailTimeout(-1);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        postgres.close();
    }

    private final ProblemDetailsAdvice advice = new ProblemDetailsAdvice();

    @Test
    @Order(1)
    void givenEveryConnectionCheckedOut_whenARequestReadsOrWrites_thenServiceBusyNotDatabaseUnavailable() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            held.add(pool.getConnection());
            held.add(pool.getConnection());

            Throwable read = catchThrowable(() -> JdbcClient.create(pool).sql("SELECT 1").query(Integer.class).single());
            Throwable write = catchThrowable(() -> new TransactionTemplate(new DataSourceTransactionManager(pool))
                    .executeWithoutResult(status -> { }));

            for (Throwable failure : List.of(read, write, new CommandExecutionException("wrapped", write))) {
                assertThat(DatabaseBusy.causes(failure)).as("%s", failure).isTrue();
                assertThat(DatabaseUnavailable.causes(failure)).as("%s", failure).isFalse();
            }
            assertAnswer(advice.dataAccess((RuntimeException) read), "SERVICE_BUSY", "2");
            assertAnswer(advice.dataAccess((RuntimeException) write), "SERVICE_BUSY", "2");
            assertAnswer(advice.business(new CommandExecutionException("wrapped", write)), "SERVICE_BUSY", "2");
            assertAnswer(fromFilter(read), "SERVICE_BUSY", "2");
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        assertThat(JdbcClient.create(pool).sql("SELECT 1").query(Integer.class).single()).as("free again").isEqualTo(1);
    }

    @Test
    @Order(2)
    void givenTheServerStopped_whenARequestReadsOrWrites_thenDatabaseUnavailableNotServiceBusy() throws Exception {
        postgres.close();

        Throwable read = catchThrowable(() -> JdbcClient.create(pool).sql("SELECT 1").query(Integer.class).single());
        Throwable write = catchThrowable(() -> new TransactionTemplate(new DataSourceTransactionManager(pool))
                .executeWithoutResult(status -> { }));
        Throwable again = catchThrowable(() -> JdbcClient.create(pool).sql("SELECT 1").query(Integer.class).single());

        for (Throwable failure : List.of(read, write, again, new CommandExecutionException("wrapped", write))) {
            assertThat(DatabaseUnavailable.causes(failure)).as("%s", failure).isTrue();
            assertThat(DatabaseBusy.causes(failure)).as("%s", failure).isFalse();
        }
        assertAnswer(advice.dataAccess((RuntimeException) again), "DATABASE_UNAVAILABLE", "5");
        assertAnswer(advice.business(new CommandExecutionException("wrapped", write)), "DATABASE_UNAVAILABLE", "5");
        assertAnswer(fromFilter(again), "DATABASE_UNAVAILABLE", "5");
    }

    /** The answer to a failure that left a filter (the sign-in throttle's read), as the container forwards it. */
    @SuppressWarnings("unchecked")
    private static ResponseEntity<ProblemDetail> fromFilter(Throwable failure) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/sessions");
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, failure);
        return (ResponseEntity<ProblemDetail>) new ProblemErrorController().error(request);
    }

    private static void assertAnswer(ResponseEntity<ProblemDetail> answer, String code, String retryAfter) {
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getBody().getProperties()).containsEntry("code", code);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo(retryAfter);
    }
}
