package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedMessage;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.session.api.ConnectionTokenRedeemedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;

/** How one domain event becomes a CloudEvent: attributes, type naming, extensions and data. */
class DomainCloudEventsTest {

    private static final URI SOURCE = URI.create("urn:openvdi:broker:eu-1");
    private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();
    private static final UUID SESSION = UUID.fromString("3f2a8c1e-5b7d-4e9a-8c61-0d4b2e7f9a13");
    private static final UUID POOL = UUID.fromString("8d1e4f20-9a3b-4c5d-b6e7-f80912a3b4c5");
    private static final Instant AT = Instant.parse("2026-03-02T09:15:30.123Z");

    private final DomainCloudEvents cloudEvents = new DomainCloudEvents(SOURCE, JSON);

    /** An event without a @Revision. */
    record UnversionedEvent(String note) {
    }

    @Test
    void givenADomainEvent_whenConverted_thenItsAttributesExtensionsAndDataAreSet() {
        GenericDomainEventMessage<SessionRequestedEvent> event = new GenericDomainEventMessage<>("Session", SESSION.toString(),
                42, new SessionRequestedEvent(SESSION, POOL, "alice"), MetaData.with("user", "alice"),
                UUID.randomUUID().toString(), AT);

        CloudEvent cloudEvent = cloudEvents.of(event);

        assertThat(cloudEvent.getId()).isEqualTo(event.getIdentifier());
        assertThat(cloudEvent.getSource()).isEqualTo(SOURCE);
        assertThat(cloudEvent.getType()).isEqualTo("org.openvdi.SessionRequestedEvent.v1");
        assertThat(cloudEvent.getSubject()).isEqualTo(SESSION.toString());
        assertThat(cloudEvent.getTime()).isEqualTo(AT.atOffset(ZoneOffset.UTC));
        assertThat(cloudEvent.getDataContentType()).isEqualTo("application/json");
        assertThat(cloudEvent.getExtensionNames()).containsExactlyInAnyOrder("aggregatetype", "sequence", "actor");
        assertThat(cloudEvent.getExtension("aggregatetype")).isEqualTo("Session");
        assertThat(cloudEvent.getExtension("sequence")).isEqualTo("0000000000000000042");
        assertThat(cloudEvent.getExtension("actor")).isEqualTo("alice");
        assertThat(new String(cloudEvent.getData().toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"sessionId\":\"" + SESSION + "\",\"poolId\":\"" + POOL + "\",\"user\":\"alice\"}");
        assertThat(DomainCloudEvents.key(event)).isEqualTo(SESSION.toString());
    }

    @Test
    void givenAnEventAsTheStoreHoldsIt_whenConvertedWithTheStoresSerializer_thenItsDataIsTheStoredPayloadUnread() {
        JacksonSerializer store = JacksonSerializer.builder().objectMapper(JSON).build();
        SessionRequestedEvent payload = new SessionRequestedEvent(SESSION, POOL, "alice");
        SerializedObject<byte[]> storedPayload = store.serialize(payload, byte[].class);
        SerializedObject<byte[]> storedMetaData = store.serialize(MetaData.with("user", "alice"), byte[].class);
        SerializedMessage<SessionRequestedEvent> stored = new SerializedMessage<>(UUID.randomUUID().toString(),
                storedPayload, storedMetaData, store);
        GenericDomainEventMessage<SessionRequestedEvent> event = new GenericDomainEventMessage<>("Session",
                SESSION.toString(), 42, stored, () -> AT);
        DomainCloudEvents fromStore = EventPublicationConfiguration.cloudEvents(
                PublicationHarness.settings(io.cloudevents.core.message.Encoding.BINARY, 1, "unused"), JSON, store);

        CloudEvent cloudEvent = fromStore.of(event);

        assertThat(cloudEvent.getData().toBytes()).isSameAs(storedPayload.getData())
                .isEqualTo(cloudEvents.of(new GenericDomainEventMessage<>("Session", SESSION.toString(), 42, payload))
                        .getData().toBytes());
        assertThat(cloudEvent.getType()).isEqualTo("org.openvdi.SessionRequestedEvent.v1");
        assertThat(cloudEvent.getExtension("actor")).isEqualTo("alice");
    }

    @Test
    void givenStoredMetaDataWithoutAUser_whenConverted_thenTheEventHasNoActor() {
        JacksonSerializer store = JacksonSerializer.builder().objectMapper(JSON).build();
        SerializedMessage<SessionRequestedEvent> stored = new SerializedMessage<>(UUID.randomUUID().toString(),
                store.serialize(new SessionRequestedEvent(SESSION, POOL, "alice"), byte[].class),
                store.serialize(MetaData.from(java.util.Map.of("trace", java.util.Map.of("user", "nested"), "n", 3)),
                        byte[].class), store);
        DomainCloudEvents fromStore = EventPublicationConfiguration.cloudEvents(
                PublicationHarness.settings(io.cloudevents.core.message.Encoding.BINARY, 1, "unused"), JSON, store);

        CloudEvent cloudEvent = fromStore.of(new GenericDomainEventMessage<>("Session", SESSION.toString(), 1, stored, () -> AT));

        assertThat(cloudEvent.getExtensionNames()).containsExactlyInAnyOrder("aggregatetype", "sequence");
    }

    @Test
    void givenTheStoreWritingWithAnotherMapper_whenConverted_thenTheDataIsWrittenWithThePublishersMapper() {
        JacksonSerializer other = JacksonSerializer.builder().objectMapper(new ObjectMapper()).build();
        DomainCloudEvents converter = EventPublicationConfiguration.cloudEvents(
                PublicationHarness.settings(io.cloudevents.core.message.Encoding.BINARY, 1, "unused"), JSON, other);
        GenericDomainEventMessage<SessionRequestedEvent> event = new GenericDomainEventMessage<>("Session",
                SESSION.toString(), 42, new SessionRequestedEvent(SESSION, POOL, "alice"));

        assertThat(converter.of(event).getData().toBytes()).isEqualTo(cloudEvents.of(event).getData().toBytes());
    }

    @Test
    void givenEventClasses_whenNamed_thenTheTypeCarriesTheirRevision() {
        assertThat(DomainCloudEvents.type(ConnectionTokenRedeemedEvent.class)).isEqualTo("org.openvdi.ConnectionTokenRedeemedEvent.v2");
        assertThat(DomainCloudEvents.type(UnversionedEvent.class)).isEqualTo("org.openvdi.UnversionedEvent.v0");
    }

    @Test
    void givenSequenceNumbers_whenWritten_thenTheyOrderAsTextAndAsNumbers() {
        assertThat(DomainCloudEvents.sequence(0)).isEqualTo("0000000000000000000");
        assertThat(DomainCloudEvents.sequence(9)).isLessThan(DomainCloudEvents.sequence(10));
        assertThat(DomainCloudEvents.sequence(Long.MAX_VALUE)).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(Long.parseLong(DomainCloudEvents.sequence(1234))).isEqualTo(1234);
    }

    @Test
    void givenAnEventOfNoAggregateWithoutActor_whenConverted_thenKeyedByItsIdWithoutSubjectOrExtensions() {
        GenericEventMessage<UnversionedEvent> event = new GenericEventMessage<>(new UnversionedEvent("x"), MetaData.emptyInstance());

        CloudEvent cloudEvent = cloudEvents.of(event);

        assertThat(cloudEvent.getSubject()).isNull();
        assertThat(cloudEvent.getExtensionNames()).isEmpty();
        assertThat(DomainCloudEvents.key(event)).isEqualTo(event.getIdentifier());
    }

    @Test
    void givenNoSource_whenCreated_thenRefused() {
        assertThatThrownBy(() -> new DomainCloudEvents(URI.create(""), JSON)).isInstanceOf(IllegalArgumentException.class);
    }
}
