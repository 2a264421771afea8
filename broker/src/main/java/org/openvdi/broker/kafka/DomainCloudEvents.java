package org.openvdi.broker.kafka;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.io.IOException;
import java.net.URI;
import java.time.ZoneOffset;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.Serializer;

/**
 * Turns a domain event into a CloudEvent 1.0, the format of {@code openvdi.events}:
 * <ul>
 *   <li>{@code id}: the event's id in the event store (consumers drop duplicates by it: publication is at-least-once);</li>
 *   <li>{@code source}: the broker installation ({@code openvdi.kafka.event-source});</li>
 *   <li>{@code type}: {@code org.openvdi.<event class>.v<revision>}, e.g. {@code org.openvdi.SessionRequestedEvent.v1};
 *       the revision is the payload's {@link Revision}, {@code v0} for an event without one;</li>
 *   <li>{@code subject}: the aggregate's id, also the record's key, so that one aggregate's events keep their order;</li>
 *   <li>{@code time}: when the event was recorded, in UTC;</li>
 *   <li>{@code datacontenttype}: {@code application/json}, the data being the event's fields;</li>
 *   <li>extensions {@code aggregatetype} (e.g. {@code Session}), {@code sequence} (the event's number within its
 *       aggregate, from 0, zero-padded to {@value #SEQUENCE_DIGITS} digits so that it orders as text too, as the
 *       CloudEvents sequence extension asks) and {@code actor} (who caused it: a user, {@code system} or a gateway).
 *       An extension the event has no value for is left out.</li>
 * </ul>
 */
final class DomainCloudEvents {

    static final String TYPE_PREFIX = "org.openvdi.";
    static final String DATA_CONTENT_TYPE = "application/json";
    static final String AGGREGATE_TYPE = "aggregatetype";
    static final String SEQUENCE = "sequence";
    static final String ACTOR = "actor";
    static final int SEQUENCE_DIGITS = 19;
    private static final String ACTOR_METADATA = "user";

    private final URI source;
    private final ObjectMapper json;
    private final Serializer stored;

    /** Writes each event's data with {@code json}. */
    DomainCloudEvents(URI source, ObjectMapper json) {
        this(source, json, null);
    }

    /**
     * Takes each event's data as the event store holds it when {@code stored}, the store's event serializer (JSON
     * with the same mapper), wrote it: an event read from the store is then neither deserialized nor written again.
     * Other events are written by {@code stored} too.
     */
    DomainCloudEvents(URI source, ObjectMapper json, Serializer stored) {
        if (source == null || source.toString().isEmpty()) {
            throw new IllegalArgumentException("openvdi.kafka.event-source must be a non-empty URI");
        }
        this.source = source;
        this.json = json;
        this.stored = stored;
    }

    CloudEvent of(EventMessage<?> event) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.getIdentifier())
                .withSource(source)
                .withType(type(event.getPayloadType()))
                .withTime(event.getTimestamp().atOffset(ZoneOffset.UTC))
                .withData(DATA_CONTENT_TYPE, data(event));
        if (event instanceof DomainEventMessage<?> domain) {
            builder.withSubject(domain.getAggregateIdentifier())
                    .withExtension(SEQUENCE, sequence(domain.getSequenceNumber()));
            if (domain.getType() != null) {
                builder.withExtension(AGGREGATE_TYPE, domain.getType());
            }
        }
        String actor = actor(event);
        if (actor != null) {
            builder.withExtension(ACTOR, actor);
        }
        return builder.build();
    }

    /** The record's key: the aggregate's id, or the event's own for an event that no aggregate applied. */
    static String key(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domain && domain.getAggregateIdentifier() != null
                ? domain.getAggregateIdentifier() : event.getIdentifier();
    }

    static String type(Class<?> payloadType) {
        return TYPES.get(payloadType);
    }

    /** Each payload type's CloudEvent type, worked out once per class instead of once per event. */
    private static final ClassValue<String> TYPES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> payloadType) {
            Revision revision = payloadType.getAnnotation(Revision.class);
            return TYPE_PREFIX + payloadType.getSimpleName() + ".v" + (revision == null ? "0" : revision.value());
        }
    };

    static String sequence(long sequenceNumber) {
        String digits = Long.toString(sequenceNumber);
        return digits.length() >= SEQUENCE_DIGITS ? digits : "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
    }

    /**
     * Who caused the event: its metadata's {@code user}. From the metadata as stored when possible, reading only as
     * far as that field instead of building the whole map.
     */
    private String actor(EventMessage<?> event) {
        if (stored != null) {
            try (JsonParser parser = json.getFactory().createParser(event.serializeMetaData(stored, byte[].class).getData())) {
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        boolean user = ACTOR_METADATA.equals(parser.currentName());
                        JsonToken value = parser.nextToken();
                        if (user && value.isScalarValue()) {
                            return value == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                        }
                        if (user) {
                            break;
                        }
                        parser.skipChildren();
                    }
                    if (parser.currentToken() == JsonToken.END_OBJECT) {
                        return null;
                    }
                }
            } catch (IOException e) {
                // not the plain JSON object expected: read it the general way
            }
        }
        Object actor = event.getMetaData().get(ACTOR_METADATA);
        return actor == null ? null : actor.toString();
    }

    private byte[] data(EventMessage<?> event) {
        if (stored != null) {
            return event.serializePayload(stored, byte[].class).getData();
        }
        try {
            return json.writeValueAsBytes(event.getPayload());
        } catch (JsonProcessingException e) {
            throw new KafkaPublishException("Event " + event.getIdentifier() + " of type "
                    + event.getPayloadType().getSimpleName() + " cannot be written as JSON", e);
        }
    }
}
