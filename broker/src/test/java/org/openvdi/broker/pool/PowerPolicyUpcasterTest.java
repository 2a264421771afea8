package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.InitialEventRepresentation;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PowerPolicy;

/**
 * Pool events stored before the rename of {@code POWER_OFF_WHEN_IDLE} to {@code POWER_OFF_AT_LOGOFF} read as the
 * current revision with the new name, through the same Jackson serializer the event store uses.
 */
class PowerPolicyUpcasterTest {

    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000bb");
    private final JacksonSerializer serializer = JacksonSerializer.builder()
            .objectMapper(new ObjectMapper().findAndRegisterModules()).build();
    private final PowerPolicyUpcaster upcaster = new PowerPolicyUpcaster();

    private Object read(Class<?> type, String revision, String json) {
        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>("DesktopPool", POOL.toString(), 0,
                UUID.randomUUID().toString(), Instant.parse("2026-01-01T00:00:00Z"), type.getName(), revision,
                json.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        List<IntermediateEventRepresentation> upcast = upcaster
                .upcast(Stream.of(new InitialEventRepresentation(entry, serializer))).toList();
        assertThat(upcast).hasSize(1);
        return serializer.deserialize(upcast.get(0).getData());
    }

    private static String created(String power, String recording) {
        return "{\"poolId\":\"" + POOL + "\",\"name\":\"Office\",\"templateId\":\"" + TEMPLATE + "\",\"templateVersion\":1,"
                + "\"type\":\"PERSISTENT\",\"powerPolicy\":\"" + power + "\",\"minSpare\":0,\"maxSize\":3,"
                + "\"entitledUsers\":[\"alice\"],\"entitledGroups\":[],\"createdBy\":\"admin\"" + recording + "}";
    }

    @Test
    void givenPoolCreatedOfRevision2WithTheOldName_whenRead_thenItPowersOffAtLogoff() {
        Object event = read(PoolCreatedEvent.class, "2", created("POWER_OFF_WHEN_IDLE", ",\"recording\":true"));

        assertThat(event).isEqualTo(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1,
                org.openvdi.broker.pool.api.PoolType.PERSISTENT, PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 3,
                java.util.Set.of("alice"), java.util.Set.of(), "admin", true));
    }

    @Test
    void givenPoolCreatedOfRevision1WithoutRecording_whenRead_thenItPowersOffAtLogoffAndDoesNotRecord() {
        PoolCreatedEvent event = (PoolCreatedEvent) read(PoolCreatedEvent.class, "1", created("POWER_OFF_WHEN_IDLE", ""));

        assertThat(event.powerPolicy()).isEqualTo(PowerPolicy.POWER_OFF_AT_LOGOFF);
        assertThat(event.recording()).isFalse();
    }

    @Test
    void givenPoolCreatedThatKeepsRunning_whenRead_thenItStillKeepsRunning() {
        PoolCreatedEvent event = (PoolCreatedEvent) read(PoolCreatedEvent.class, "2", created("KEEP_RUNNING", ""));

        assertThat(event.powerPolicy()).isEqualTo(PowerPolicy.KEEP_RUNNING);
    }

    @Test
    void givenPoolReconfiguredOfRevision1WithTheOldName_whenRead_thenItPowersOffAtLogoff() {
        Object event = read(PoolReconfiguredEvent.class, "1", "{\"poolId\":\"" + POOL + "\",\"name\":\"Office\","
                + "\"minSpare\":1,\"maxSize\":4,\"powerPolicy\":\"POWER_OFF_WHEN_IDLE\",\"changedBy\":\"ops\"}");

        assertThat(event).isEqualTo(new PoolReconfiguredEvent(POOL, "Office", 1, 4, PowerPolicy.POWER_OFF_AT_LOGOFF, "ops"));
    }

    @Test
    void givenPoolEventOfTheCurrentRevision_whenRead_thenTheUpcasterLeavesItAlone() {
        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>("DesktopPool", POOL.toString(), 0,
                UUID.randomUUID().toString(), Instant.EPOCH, PoolCreatedEvent.class.getName(), "3",
                created("POWER_OFF_AT_LOGOFF", "").getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        IntermediateEventRepresentation initial = new InitialEventRepresentation(entry, serializer);

        assertThat(upcaster.upcast(Stream.of(initial)).toList()).containsExactly(initial);
    }
}
