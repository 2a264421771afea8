package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.testsupport.CloudEventTopic;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole broker publishes every domain event to {@code openvdi.events} on a real Kafka as a CloudEvent in binary
 * mode, keyed by its aggregate, in store order; read back with the CloudEvents SDK's Kafka deserializer.
 */
// its own configuration: its own broker and Kafka, closed after the class (DemoBrokerTest)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = "openvdi.kafka.event-source=" + DomainEventPublicationTest.SOURCE)
class DomainEventPublicationTest extends DemoBrokerTest {

    static final String SOURCE = "urn:openvdi:broker:publication-test";

    private static List<String> simpleTypes(List<CloudEvent> events) {
        return events.stream().map(e -> e.getType().replaceFirst("^org\\.openvdi\\.", "").replaceFirst("\\.v\\d+$", ""))
                .toList();
    }

    @Test
    void givenSessionActivity_whenRecorded_thenEachEventIsPublishedAsACloudEventWithItsAttributes() {
        JsonNode session = readySession("alice");
        UUID id = UUID.fromString(session.path("id").asText());
        as("alice").post("/api/sessions/" + id + "/connect", null);
        List<JsonNode> stored = events(id);

        List<CloudEvent> published;
        List<ConsumerRecord<String, CloudEvent>> records;
        try (CloudEventTopic events = new CloudEventTopic(kafka.getBrokersAsString(), "openvdi.events")) {
            published = events.awaitEvents(id.toString(), e -> e.size() >= stored.size(), Duration.ofMinutes(1));
            records = events.awaitRecords(r -> true, Duration.ZERO);
        }

        assertThat(simpleTypes(published)).containsExactlyElementsOf(stored.stream().map(e -> e.path("type").asText()).toList());
        assertThat(published).extracting(e -> Long.parseLong((String) e.getExtension("sequence")))
                .containsExactlyElementsOf(LongStream.range(0, stored.size()).boxed().toList());
        assertThat(published).extracting(CloudEvent::getId).doesNotHaveDuplicates().allSatisfy(eventId -> UUID.fromString(eventId));
        assertThat(published).allSatisfy(e -> {
            assertThat(e.getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(e.getSource()).isEqualTo(URI.create(SOURCE));
            assertThat(e.getSubject()).isEqualTo(id.toString());
            assertThat(e.getExtension("aggregatetype")).isEqualTo("Session");
            assertThat(e.getDataContentType()).isEqualTo("application/json");
            assertThat(e.getType()).matches("org\\.openvdi\\.[A-Z][A-Za-z]+Event\\.v[1-9]\\d*");
        });
        for (int i = 0; i < stored.size(); i++) {
            assertThat(published.get(i).getTime().toInstant()).isEqualTo(Instant.parse(stored.get(i).path("timestamp").asText()));
            assertThat(published.get(i).getExtension("actor")).isEqualTo(stored.get(i).path("actor").asText());
        }
        CloudEvent requested = published.get(0);
        assertThat(requested.getType()).isEqualTo("org.openvdi.SessionRequestedEvent.v1");
        assertThat(requested.getExtension("sequence")).isEqualTo("0000000000000000000");
        assertThat(requested.getExtension("actor")).isEqualTo("alice");
        assertThat(CloudEventTopic.data(requested).path("user").asText()).isEqualTo("alice");
        assertThat(CloudEventTopic.data(requested).path("sessionId").asText()).isEqualTo(id.toString());
        assertThat(published.get(1).getExtension("actor")).isEqualTo("system");
        assertThat(simpleTypes(published)).contains("ConnectionTokenIssuedEvent");

        ConsumerRecord<String, CloudEvent> first = records.stream().filter(r -> r.value().getId().equals(requested.getId()))
                .findFirst().orElseThrow();
        assertThat(first.headers()).extracting(Header::key)
                .contains("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "ce_aggregatetype",
                        "ce_sequence", "ce_actor", "content-type");
        assertThat(new String(first.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("org.openvdi.SessionRequestedEvent.v1");
    }

    @Test
    void givenDemoSetUp_whenStarted_thenTheHistoryBeforeIsPublishedToo() {
        UUID pool = demoPool();

        List<CloudEvent> published;
        try (CloudEventTopic events = new CloudEventTopic(kafka.getBrokersAsString(), "openvdi.events")) {
            published = events.awaitEvents(pool.toString(), e -> !e.isEmpty(), Duration.ofMinutes(1));
        }

        assertThat(published.get(0).getType()).isEqualTo(DomainCloudEvents.type(PoolCreatedEvent.class));
        assertThat(published.get(0).getExtension("aggregatetype")).isEqualTo("DesktopPool");
        assertThat(published.get(0).getExtension("actor")).isEqualTo("system");
    }
}
