package org.openvdi.broker.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.axonframework.eventhandling.EventUtils;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;

/**
 * Turns rows of {@code domainevents} as {@link StoredEventReader} copies them into event messages, on any thread
 * (it keeps no state but caches). A row stored at its payload class's current revision is read straight from the
 * received bytes with the serializer's own {@link ObjectMapper} (the reader Axon's {@link JacksonSerializer} uses for
 * that class): upcasters only take older revisions to newer ones, so the upcaster chain has nothing to do with it.
 * Rows of an older revision (or of a class this broker no longer has), and every row when the serializer is not
 * Jackson's, go through Axon's own upcasting and deserialization, consecutive ones together, so an upcaster sees
 * them as the storage engine would give them to it. Of the metadata only the named keys are kept, read with a
 * streaming parser instead of as a whole map.
 */
final class StoredEventDecoder {

    /** The columns of {@code domainevententry} a copied row has, in this order. */
    static final String COLUMNS = "globalindex, eventidentifier, aggregateidentifier, sequencenumber, type,"
            + " timestamp, payloadtype, payloadrevision, payload, metadata";
    static final int COLUMN_COUNT = 10;

    private final Serializer serializer;
    private final ObjectMapper mapper;
    private final Supplier<EventUpcaster> upcasters;
    private final Set<String> metaDataKeys;
    /** Payload type and revision to the reader of its class, when a row of them can be read directly. */
    private final Map<String, Optional<Direct>> direct = new ConcurrentHashMap<>();

    private record Direct(Class<?> type, ObjectReader reader) {
    }

    StoredEventDecoder(Serializer serializer, Supplier<EventUpcaster> upcasters, Set<String> metaDataKeys) {
        this.serializer = serializer;
        this.mapper = serializer instanceof JacksonSerializer jackson ? jackson.getObjectMapper() : null;
        this.upcasters = upcasters;
        this.metaDataKeys = metaDataKeys;
    }

    /** The messages of these copied rows (each one array as the driver received it), in their order. */
    List<TrackedEventMessage<?>> decode(List<byte[]> rows) {
        List<TrackedEventMessage<?>> events = new ArrayList<>(rows.size());
        List<StoredEvent> upcast = new ArrayList<>();
        CopyRow row = new CopyRow(COLUMN_COUNT);
        RepeatedColumns<Optional<Direct>> readers = new RepeatedColumns<>();
        RepeatedColumns<String> aggregateTypes = new RepeatedColumns<>();
        for (byte[] data : rows) {
            if (!row.read(data)) {
                continue;
            }
            Optional<Direct> reader = readers.get(row, 6, 7, () -> directReader(row));
            if (reader.isPresent()) {
                if (!upcast.isEmpty()) {
                    events.addAll(deserialized(upcast));
                    upcast.clear();
                }
                events.add(message(row, reader.get(), aggregateTypes.get(row, 4, -1, () -> row.text(4))));
            } else {
                upcast.add(stored(row));
            }
        }
        if (!upcast.isEmpty()) {
            events.addAll(deserialized(upcast));
        }
        return events;
    }

    private Optional<Direct> directReader(CopyRow row) {
        if (mapper == null || row.length(6) < 0 || row.length(8) < 0) {
            return Optional.empty();
        }
        String type = row.text(6);
        String revision = row.text(7);
        return direct.computeIfAbsent(type + '\n' + revision, key -> {
            try {
                Class<?> payloadType = serializer.classForType(new SimpleSerializedType(type, revision));
                String current = serializer.typeForClass(payloadType).getRevision();
                if (!type.equals(payloadType.getName()) || !Objects.equals(current, revision)) {
                    return Optional.empty();
                }
                return Optional.of(new Direct(payloadType, mapper.readerFor(payloadType)));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private TrackedEventMessage<?> message(CopyRow row, Direct direct, String aggregateType) {
        byte[] data = row.data();
        Object payload;
        try {
            payload = direct.reader().readValue(data, row.start(8), row.length(8));
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the payload of event " + row.text(1), e);
        }
        Instant timestamp = StoredEvent.timestamp(data, row.start(5), row.length(5));
        GenericMessage<?> message = new GenericMessage(row.text(1), direct.type(), payload, metaData(row));
        return new GenericTrackedDomainEventMessage<>(new GlobalSequenceTrackingToken(row.longAt(0)), aggregateType,
                row.text(2), row.longAt(3), message, () -> timestamp);
    }

    /** The named keys of the row's metadata (a JSON object), each with its value as Jackson reads it untyped. */
    private MetaData metaData(CopyRow row) {
        if (row.length(9) <= 0) {
            return MetaData.emptyInstance();
        }
        Map<String, Object> kept = new HashMap<>(4);
        try (JsonParser parser = mapper.getFactory().createParser(row.data(), row.start(9), row.length(9))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("The metadata of event " + row.text(1) + " is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                parser.nextToken();
                if (metaDataKeys.contains(key)) {
                    // a text value (the acting user) as the untyped read gives it, without a deserialization context
                    kept.put(key, parser.currentToken() == JsonToken.VALUE_STRING ? parser.getText()
                            : mapper.readValue(parser, Object.class));
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the metadata of event " + row.text(1), e);
        }
        return MetaData.from(kept);
    }

    private static StoredEvent stored(CopyRow row) {
        return new StoredEvent(row.longAt(0), row.text(1), row.text(2), row.longAt(3), row.text(4), row.text(5),
                row.text(6), row.text(7), row.bytes(8), row.bytes(9));
    }

    /** Upcast and deserialized as the storage engine does it, then the lazy parts made concrete on this thread. */
    private List<TrackedEventMessage<?>> deserialized(List<StoredEvent> rows) {
        List<TrackedEventMessage<?>> events = new ArrayList<>(rows.size());
        EventUtils.upcastAndDeserializeTrackedEvents(rows.stream(), serializer, upcasters.get()).forEach(events::add);
        for (TrackedEventMessage<?> event : events) {
            event.getPayload();
            event.getMetaData();
            event.getTimestamp();
        }
        return events;
    }
}
