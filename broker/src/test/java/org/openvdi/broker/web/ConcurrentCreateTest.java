package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.Concurrently;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Creates that race for one name: the read model's unique name, written in the same transaction as the event,
 * lets exactly one commit; every other caller gets 409 NAME_TAKEN and no event of theirs is stored.
 */
@BrokerTest
class ConcurrentCreateTest {

    static final int CALLERS = 100;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    AdminScenario scenario;
    ApiClient admin;

    @BeforeEach
    void clients() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
    }

    /** How many answers had each status, and how many of the 409s said NAME_TAKEN. */
    static Map<String, Long> outcomes(List<ApiClient.Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(
                a -> a.status() == 409 ? "409 " + a.code() : String.valueOf(a.status()), Collectors.counting()));
    }

    long creationEvents(Class<?> eventType, String name) {
        return jdbc.sql("""
                        SELECT count(*) FROM domainevententry
                        WHERE payloadtype = ? AND convert_from(payload, 'UTF8')::jsonb ->> 'name' = ?""")
                .params(eventType.getName(), name).query(Long.class).single();
    }

    void assertOneCreatedRestRefused(List<ApiClient.Answer> answers) {
        assertThat(outcomes(answers)).as(answers.stream().filter(a -> a.status() >= 500).map(ApiClient.Answer::body)
                        .findFirst().orElse(""))
                .isEqualTo(Map.of("201", 1L, "409 NAME_TAKEN", (long) CALLERS - 1));
    }

    @Test
    void givenHundredConcurrentHostRegistrationsOfOneName_thenOneIsCreatedAndTheRestAreNameTaken() {
        String name = "race-host-" + UUID.randomUUID();
        String body = admin.write(Map.of("name", name, "uri", "test:///default", "virtType", "qemu", "maxDesktops", 2));

        List<ApiClient.Answer> answers = Concurrently.run(CALLERS, () -> admin.post("/api/hosts", body));

        assertOneCreatedRestRefused(answers);
        assertThat(creationEvents(org.openvdi.broker.host.api.HostRegisteredEvent.class, name)).isEqualTo(1);
    }

    @Test
    void givenHundredConcurrentTemplateRegistrationsOfOneName_thenOneIsCreatedAndTheRestAreNameTaken() {
        String name = "race-template-" + UUID.randomUUID();
        String body = admin.write(Map.of("name", name, "vcpus", 1, "memoryMiB", 128));

        List<ApiClient.Answer> answers = Concurrently.run(CALLERS, () -> admin.post("/api/templates", body));

        assertOneCreatedRestRefused(answers);
        assertThat(creationEvents(org.openvdi.broker.template.api.TemplateRegisteredEvent.class, name)).isEqualTo(1);
    }

    @Test
    void givenHundredConcurrentPoolCreatesOfOneName_thenOneIsCreatedAndTheRestAreNameTaken() throws IOException {
        String template = scenario.template("race-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        String name = "race-pool-" + UUID.randomUUID();
        String body = admin.write(Map.of("name", name, "templateId", template, "type", "FLOATING", "minSpare", 0,
                "maxSize", 1));

        List<ApiClient.Answer> answers = Concurrently.run(CALLERS, () -> admin.post("/api/pools", body));

        assertOneCreatedRestRefused(answers);
        assertThat(creationEvents(org.openvdi.broker.pool.api.PoolCreatedEvent.class, name)).isEqualTo(1);
    }

    @Test
    void givenTenPools_whenAllAreRenamedToOneNameAtOnce_thenOneIsRenamedAndTheRestAreNameTaken() throws IOException {
        String template = scenario.template("race-" + UUID.randomUUID(), TestImages.image(UUID.randomUUID() + ".img"), 128);
        List<String> pools = Concurrently.run(10, () -> scenario.pool("race-rename-" + UUID.randomUUID(), template,
                "FLOATING", "KEEP_RUNNING", 0, 1));
        String name = "race-renamed-" + UUID.randomUUID();
        Function<String, ApiClient.Answer> rename = id -> admin.patch("/api/pools/" + id,
                admin.write(Map.of("name", name)));
        java.util.Iterator<String> next = pools.iterator();

        List<ApiClient.Answer> answers = Concurrently.run(10, () -> {
            String id;
            synchronized (next) {
                id = next.next();
            }
            return rename.apply(id);
        });

        assertThat(outcomes(answers)).isEqualTo(Map.of("200", 1L, "409 NAME_TAKEN", 9L));
        assertThat(creationEvents(org.openvdi.broker.pool.api.PoolReconfiguredEvent.class, name)).isEqualTo(1);
    }
}
