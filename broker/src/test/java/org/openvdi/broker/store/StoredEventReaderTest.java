package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Revision;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.store.StoredEventReader.Selection;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The replay's reader on the shared real PostgreSQL, with a real Jackson serializer: it reads only the selected
 * types, in the order of the global index, up to the given index, in pages, through the upcaster chain; and a
 * failure of the caller's handling stops it.
 */
class StoredEventReaderTest {

    /** A payload of the current revision. */
    @Revision("2")
    record Renamed(String name, String note) {
    }

    /** A payload no replay here selects. */
    record Ignored(String name) {
    }

    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(new ObjectMapper().findAndRegisterModules()).build();
    private final JdbcClient jdbc = JdbcClient.create(SharedPostgres.dataSource());
    /** Revision 1 of {@link Renamed} had no note: it reads as "from revision 1". */
    private final EventUpcaster upcaster = events -> events.map(event -> !"1".equals(event.getType().getRevision()) ? event
            : event.upcastPayload(new SimpleSerializedType(Renamed.class.getName(), "2"), JsonNode.class,
                    node -> ((ObjectNode) node).put("note", "from revision 1")));
    /** Four global positions per COPY: a read here spans several. */
    private final StoredEventReader reader = new StoredEventReader(SharedPostgres.dataSource(), serializer, () -> upcaster, 4);
    private final Selection renamedAndHosts = new Selection(Set.of(Renamed.class.getName()), Set.of("Host"), Set.of("user"));

    @BeforeEach
    void emptyStore() {
        SharedPostgres.truncate();
    }

    @Test
    void givenEventsOfSeveralTypes_whenRead_thenOnlyTheSelectedOnesComeInStoreOrderInPages() {
        UUID session = UUID.randomUUID();
        UUID host = UUID.randomUUID();
        for (int i = 0; i < 7; i++) {
            store("Session", session, i * 2, new Renamed("r" + i, "n"), null);
            store("Session", session, i * 2 + 1, new Ignored("i" + i), null);
        }
        store("Host", host, 0, new Ignored("host event"), null);
        List<List<TrackedEventMessage<?>>> pages = new ArrayList<>();

        long read = reader.read(renamedAndHosts, reader.head(), 3, pages::add);

        assertThat(read).isEqualTo(8);
        assertThat(pages).allSatisfy(page -> assertThat(page).hasSizeBetween(1, 3));
        List<TrackedEventMessage<?>> events = pages.stream().flatMap(List::stream).toList();
        assertThat(events).extracting(e -> e.getPayload().toString()).containsExactly(
                "Renamed[name=r0, note=n]", "Renamed[name=r1, note=n]", "Renamed[name=r2, note=n]",
                "Renamed[name=r3, note=n]", "Renamed[name=r4, note=n]", "Renamed[name=r5, note=n]",
                "Renamed[name=r6, note=n]", "Ignored[name=host event]");
        assertThat(events).extracting(e -> e.trackingToken().position().orElseThrow()).isSorted();
        assertThat(events.get(7)).isInstanceOfSatisfying(DomainEventMessage.class, e -> {
            assertThat(e.getType()).isEqualTo("Host");
            assertThat(e.getAggregateIdentifier()).isEqualTo(host.toString());
        });
        assertThat(events.get(0).getMetaData()).containsEntry("user", "alice").doesNotContainKey("traceId");
    }

    @Test
    void givenTypeNamesThatAreNotJavaNames_whenSelected_thenTheyAreRefused() {
        for (String name : List.of("a'); DROP TABLE domainevententry; --", "Host Desktop", "", "x".repeat(256), "\u202Ehost")) {
            assertThatThrownBy(() -> new Selection(Set.of(name), Set.of(), Set.of())).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Selection(Set.of(), Set.of(name), Set.of())).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void givenAnOldRevision_whenRead_thenItIsUpcastAsTheStorageEngineWouldRead() {
        UUID session = UUID.randomUUID();
        store("Session", session, 0, new Renamed("old", null), "1");
        store("Session", session, 1, new Renamed("new", "kept"), null);
        List<Object> payloads = new ArrayList<>();

        reader.read(renamedAndHosts, reader.head(), 10, page -> page.forEach(e -> payloads.add(e.getPayload())));

        assertThat(payloads).containsExactly(new Renamed("old", "from revision 1"), new Renamed("new", "kept"));
    }

    @Test
    void givenAHead_whenRead_thenNothingAfterItIsRead() {
        UUID session = UUID.randomUUID();
        store("Session", session, 0, new Renamed("before", "n"), null);
        long head = reader.head();
        store("Session", session, 1, new Renamed("after", "n"), null);

        assertThat(reader.read(renamedAndHosts, head, 10, page -> { })).isEqualTo(1);
    }

    @Test
    void givenAnEmptyStore_whenRead_thenNothingIsHandedOver() {
        assertThat(reader.head()).isEqualTo(-1);
        assertThat(reader.read(renamedAndHosts, -1, 10, page -> {
            throw new AssertionError("no page expected");
        })).isZero();
    }

    @Test
    void givenTheCallerFails_whenReading_thenTheFailureComesOutAndTheReaderStops() {
        UUID session = UUID.randomUUID();
        for (int i = 0; i < 50; i++) {
            store("Session", session, i, new Renamed("r" + i, "n"), null);
        }

        assertThatThrownBy(() -> reader.read(renamedAndHosts, reader.head(), 5, page -> {
            throw new IllegalStateException("disk full");
        })).hasMessage("disk full");
        assertThat(Thread.getAllStackTraces().keySet()).as("reader threads left running")
                .noneMatch(thread -> thread.getName().startsWith("stored-event-") && thread.isAlive()
                        && waitFor(thread));
    }

    @Test
    void givenStoredTimestamps_whenParsed_thenTheyAreTheInstantsAxonsParserReads() {
        for (String text : List.of("2025-01-06T07:00:00.000Z", "1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z",
                "2100-12-31T12:34:56.789Z", "2025-01-06T07:00:00Z", "2025-01-06T07:00:00.123456789Z",
                "2025-01-06T09:00:00.000+02:00", DateTimeUtils.formatInstant(Instant.now()))) {
            assertThat(StoredEvent.timestamp(text)).as(text).isEqualTo(DateTimeUtils.parseInstant(text));
        }
        for (String invalid : List.of("2025-02-30T07:00:00.000Z", "2025-13-01T07:00:00.000Z", "2025-01-06T24:00:00.000Z",
                "2025-01-06T07:00:00.0a0Z")) {
            assertThatThrownBy(() -> StoredEvent.timestamp(invalid)).as(invalid).isInstanceOf(DateTimeException.class);
        }
    }

    private static boolean waitFor(Thread thread) {
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return thread.isAlive();
    }

    /** A row as Axon's JDBC engine stores it: the serializer's bytes and type, its text timestamp. */
    private void store(String aggregateType, UUID aggregate, long sequence, Object payload, String revision) {
        SerializedObject<byte[]> data = serializer.serialize(payload, byte[].class);
        SerializedObject<byte[]> metaData = serializer.serialize(MetaData.with("user", "alice")
                .and("traceId", UUID.randomUUID().toString()), byte[].class);
        jdbc.sql("INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,"
                        + " payloadtype, payloadrevision, payload, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(UUID.randomUUID().toString(), aggregate.toString(), sequence, aggregateType,
                        "2025-01-06T07:00:0" + (sequence % 10) + ".000Z", data.getType().getName(),
                        revision != null ? revision : data.getType().getRevision(), data.getData(), metaData.getData())
                .update();
    }
}
