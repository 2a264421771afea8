package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.Registration;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.LostRace;
import org.openvdi.broker.host.api.UncordonHostCommand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A command that loses the race for its aggregate is sent again. The race is real: between the moment the uncordon
 * command decided and the moment its event is stored, another writer (here the test, on its own database
 * connection, as a second broker would) stores the host's next event, a copy of its last one. PostgreSQL's unique
 * key on the aggregate's sequence refuses the command's event, Axon reports the conflict, and the retry decides
 * again on the host's events including the other writer's.
 */
@BrokerTest
class CommandRetriesTest {

    @LocalServerPort
    int port;
    @Autowired
    CommandBus commandBus;
    @Autowired
    DataSource dataSource;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    AuditedCommands commands;

    private AdminScenario scenario;
    private String host;
    private Registration interceptor;
    private final AtomicInteger attempts = new AtomicInteger();

    @BeforeEach
    void cordonedHost() {
        scenario = new AdminScenario(port);
        host = scenario.host("retry-" + UUID.randomUUID(), "test:///default", 1);
        assertThat(scenario.admin().post("/api/hosts/" + host + "/cordon", "{\"reason\":\"maintenance\"}").status())
                .isEqualTo(200);
    }

    @AfterEach
    void removeInterceptor() {
        if (interceptor != null) {
            interceptor.cancel();
        }
    }

    /** Before each of the first {@code conflicts} uncordon commands of the host commits, another writer stores an event. */
    private void anotherWriterWinsTheFirst(int conflicts) {
        UUID id = UUID.fromString(host);
        MessageHandlerInterceptor<CommandMessage<?>> racer = (unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof UncordonHostCommand command && command.hostId().equals(id)
                    && attempts.incrementAndGet() <= conflicts) {
                unitOfWork.onPrepareCommit(u -> AnotherWriter.storeCopyOfLastEvent(dataSource, id.toString()));
            }
            return chain.proceed();
        };
        interceptor = commandBus.registerHandlerInterceptor(racer);
    }


    @Test
    void givenAnotherWriterStoresTheHostsNextEventFirst_whenUncordoned_thenTheRetryUncordonsIt() {
        anotherWriterWinsTheFirst(2);

        var answer = scenario.admin().post("/api/hosts/" + host + "/uncordon", "");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("cordoned").asBoolean()).isFalse();
        assertThat(attempts).hasValue(3);
        assertThat(scenario.eventTypes(host)).containsExactly("HostRegisteredEvent", "HostCordonedEvent",
                "HostCordonedEvent", "HostCordonedEvent", "HostUncordonedEvent");
    }

    /**
     * Inside its caller's transaction (an allocation's both halves, say) a command that lost is not sent again on the
     * retry thread, which would commit it apart from the rest: the failure reaches the caller at once, who rolls back
     * the whole transaction and may try it again.
     */
    @Test
    void givenAnotherWriterWinsOnce_whenUncordonedInsideTheCallersTransaction_thenTheCallerGetsTheLostRaceAndNothingIsStored() {
        anotherWriterWinsTheFirst(1);
        TransactionTemplate transactions = new TransactionTemplate(transactionManager);

        Throwable failure = catchThrowable(() -> transactions.executeWithoutResult(
                status -> commands.system(new UncordonHostCommand(UUID.fromString(host)))));

        assertThat(failure).matches(LostRace::causes, "a lost race");
        assertThat(attempts).hasValue(1);
        assertThat(scenario.eventTypes(host)).containsExactly("HostRegisteredEvent", "HostCordonedEvent",
                "HostCordonedEvent");
        assertThat(scenario.hostView(host).path("cordoned").asBoolean()).isTrue();
    }

    @Test
    void givenAnotherWriterAlwaysFirst_whenUncordoned_thenBusyWithRetryAfterAndNothingOfTheCommandStored() throws Exception {
        anotherWriterWinsTheFirst(Integer.MAX_VALUE);

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/hosts/" + host + "/uncordon"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:demo".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.body()).contains("\"code\":\"BUSY\"");
        assertThat(attempts).hasValue(1 + 4);
        List<String> types = scenario.eventTypes(host);
        assertThat(types).doesNotContain("HostUncordonedEvent").hasSize(2 + 5);
        assertThat(scenario.hostView(host).path("cordoned").asBoolean()).isTrue();
    }
}
