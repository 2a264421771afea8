package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.openvdi.broker.testsupport.KafkaTopic;

/** Every domain event reaches {@code openvdi.events} on a real Kafka, keyed by its aggregate, in store order. */
class DomainEventPublicationTest extends DemoBrokerTest {

    private static List<String> types(List<JsonNode> records) {
        return records.stream().map(r -> r.path("type").asText()).toList();
    }

    @Test
    void givenSessionActivity_whenRecorded_thenEachEventIsPublishedWithTypeActorAndPayload() {
        JsonNode session = readySession("alice");
        UUID id = UUID.fromString(session.path("id").asText());
        as("alice").post("/api/sessions/" + id + "/connect", null);
        List<String> stored = events(id).stream().map(e -> e.path("type").asText()).toList();

        List<JsonNode> published;
        try (KafkaTopic events = new KafkaTopic(kafka.getBrokersAsString(), "openvdi.events")) {
            published = events.awaitRecords(id.toString(), records -> records.size() >= stored.size(), Duration.ofMinutes(1));
        }

        assertThat(types(published)).containsExactlyElementsOf(stored);
        assertThat(published).extracting(r -> r.path("sequence").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, stored.size()).boxed().toList());
        JsonNode requested = published.get(0);
        assertThat(requested.path("type").asText()).isEqualTo("SessionRequestedEvent");
        assertThat(requested.path("aggregateType").asText()).isEqualTo("Session");
        assertThat(requested.path("aggregateId").asText()).isEqualTo(id.toString());
        assertThat(requested.path("actor").asText()).isEqualTo("alice");
        assertThat(requested.path("eventId").asText()).isNotBlank();
        assertThat(requested.path("timestamp").asText()).isNotBlank();
        assertThat(requested.path("payload").path("user").asText()).isEqualTo("alice");
        assertThat(published.get(1).path("actor").asText()).isEqualTo("system");
        assertThat(types(published)).contains("ConnectionTokenIssuedEvent");
    }

    @Test
    void givenDemoSetUp_whenStarted_thenTheHistoryBeforeIsPublishedToo() {
        UUID pool = demoPool();

        List<JsonNode> published;
        try (KafkaTopic events = new KafkaTopic(kafka.getBrokersAsString(), "openvdi.events")) {
            published = events.awaitRecords(pool.toString(), records -> !records.isEmpty(), Duration.ofMinutes(1));
        }

        assertThat(types(published)).startsWith("PoolCreatedEvent");
        assertThat(published.get(0).path("actor").asText()).isEqualTo("system");
    }
}
