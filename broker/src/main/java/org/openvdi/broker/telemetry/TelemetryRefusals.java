package org.openvdi.broker.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.gateway.EventGateway;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.telemetry.api.ConnectionTelemetryRefusedEvent;
import org.openvdi.broker.telemetry.api.TelemetryRefusalReason;
import org.openvdi.contract.ConnectionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Records refused telemetry as {@link ConnectionTelemetryRefusedEvent}s, within a budget: whoever can write to
 * the telemetry topic can write refused records as fast as Kafka takes them, and must not fill the event store
 * with them. Each minute (a fixed window, per broker instance) the first
 * {@code openvdi.telemetry.refusal-events-per-minute} refusals are recorded; the others are only counted in the
 * metric {@code openvdi.telemetry.refused} and in the {@code suppressedBefore} of the next recorded one. Called on
 * the telemetry listener's thread only; synchronized all the same, as it is cheap. Its records passed the
 * listener's check ({@link TelemetryListener#requireRecordable}), so their gateway id is bounded printable text.
 */
@Component
class TelemetryRefusals {

    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(TelemetryRefusals.class);

    private final EventGateway events;
    private final MeterRegistry meters;
    private final int perWindow;
    private final Clock clock;
    private Instant windowStart = Instant.MIN;
    private int recordedInWindow;
    private long suppressed;

    @Autowired
    TelemetryRefusals(EventGateway events, MeterRegistry meters, TelemetrySettings settings) {
        this(events, meters, settings, Clock.systemUTC());
    }

    TelemetryRefusals(EventGateway events, MeterRegistry meters, TelemetrySettings settings, Clock clock) {
        this.events = events;
        this.meters = meters;
        this.perWindow = settings.refusalEventsPerMinute();
        this.clock = clock;
    }

    /** Counts the refusal and records it as an event unless this minute's budget is spent. */
    synchronized void refuse(ConnectionEvent record, TelemetryRefusalReason reason) {
        meters.counter("openvdi.telemetry.refused", "reason", reason.name()).increment();
        Instant now = clock.instant();
        if (now.isAfter(windowStart.plus(WINDOW))) {
            windowStart = now;
            recordedInWindow = 0;
        }
        if (recordedInWindow >= perWindow) {
            suppressed++;
            log.debug("Telemetry {} ({}) of session {} refused ({}); not recorded, {} refusals this minute",
                    record.eventId(), record.type(), record.sessionId(), reason, perWindow + suppressed);
            return;
        }
        recordedInWindow++;
        ConnectionTelemetryRefusedEvent refused = new ConnectionTelemetryRefusedEvent(record.eventId(), record.type(),
                record.sessionId(), record.gatewayId(), reason, suppressed);
        events.publish(GenericEventMessage.asEventMessage(refused).andMetaData(Map.of("user", AuditedCommands.SYSTEM)));
        suppressed = 0;
        log.warn("Telemetry {} ({}) naming session {} and gateway {} refused: {}", record.eventId(), record.type(),
                record.sessionId(), refused.claimedGatewayId(), reason);
    }
}
