package org.openvdi.broker.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.gateway.DefaultEventGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.telemetry.api.ConnectionTelemetryRefusedEvent;
import org.openvdi.broker.telemetry.api.TelemetryRefusalReason;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.contract.ConnectionEventType;

/** Refused telemetry is recorded as events within a budget per minute; the rest is counted, not stored. */
class TelemetryRefusalsTest {

    private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
    private final List<EventMessage<?>> published = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Instant now = START;
    private TelemetryRefusals refusals;

    @BeforeEach
    void createRefusals() {
        SimpleEventBus bus = SimpleEventBus.builder().build();
        bus.subscribe(published::addAll);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        refusals = new TelemetryRefusals(DefaultEventGateway.builder().eventBus(bus).build(), meters,
                new TelemetrySettings(2), clock);
    }

    private static ConnectionEvent forged(String gatewayId) {
        return new ConnectionEvent(UUID.randomUUID(), ConnectionEventType.CLOSED, UUID.randomUUID(), null, null,
                gatewayId, null, START, "forged", 0, 0, 0, "guessed");
    }

    private List<ConnectionTelemetryRefusedEvent> events() {
        return published.stream().map(e -> (ConnectionTelemetryRefusedEvent) e.getPayload()).toList();
    }

    @Test
    void givenABudgetOfTwo_whenFiveRecordsAreRefusedInAMinute_thenTwoEventsAndAllFiveCounted() {
        for (int i = 0; i < 5; i++) {
            refusals.refuse(forged("gw"), TelemetryRefusalReason.UNKNOWN_CONNECTION);
        }

        assertThat(events()).hasSize(2).allSatisfy(e -> assertThat(e.suppressedBefore()).isZero());
        assertThat(meters.counter("openvdi.telemetry.refused", "reason", "UNKNOWN_CONNECTION").count()).isEqualTo(5);
    }

    @Test
    void givenRefusalsSuppressed_whenTheNextMinuteStarts_thenTheNextEventCountsThem() {
        for (int i = 0; i < 5; i++) {
            refusals.refuse(forged("gw"), TelemetryRefusalReason.WRONG_GATEWAY);
        }
        now = START.plusSeconds(61);

        refusals.refuse(forged("gw"), TelemetryRefusalReason.WRONG_GATEWAY);

        assertThat(events()).hasSize(3);
        assertThat(events().get(2).suppressedBefore()).isEqualTo(3);
        assertThat(published.get(2).getMetaData()).containsEntry("user", "system");
    }

    @Test
    void givenFreeTextThatIsNotPrintable_whenChecked_thenRefusedAsInvalidSoNeverRetriedNorRecorded() {
        List<ConnectionEvent> hostile = List.of(
                forged("evil\n" + "x".repeat(10)),
                forged("x".repeat(101)),
                withText("gw", "10.0.0.1\u202Egnp.exe", "closed"),
                withText("gw", "1".repeat(101), "closed"),
                withText("gw", "10.0.0.1", "closed\u2066 by user"),
                withText("gw", "10.0.0.1", "r".repeat(501)));

        for (ConnectionEvent record : hostile) {
            assertThatThrownBy(() -> TelemetryListener.requireRecordable(record)).as(record.toString())
                    .isInstanceOf(InvalidTelemetryException.class);
        }
        assertThatCode(() -> TelemetryListener.requireRecordable(withText("gw-1", "2001:db8::1", "closed by the user")))
                .doesNotThrowAnyException();
    }

    private static ConnectionEvent withText(String gatewayId, String clientAddress, String reason) {
        return new ConnectionEvent(UUID.randomUUID(), ConnectionEventType.CLOSED, UUID.randomUUID(), null, "alice",
                gatewayId, clientAddress, START, reason, 0, 0, 0, "guessed");
    }
}
