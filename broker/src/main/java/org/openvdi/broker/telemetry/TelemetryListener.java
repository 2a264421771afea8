package org.openvdi.broker.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.contract.DisplayText;
import org.openvdi.contract.DisplayTextValidator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.stereotype.Component;

/**
 * Consumes the gateways' connection telemetry at-least-once: a record is acknowledged only after
 * it was recorded (or found to be a duplicate); a failure is retried by the container's error
 * handler with backoff (see {@link TelemetryListenerConfiguration}).
 */
@Component
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class TelemetryListener {

    private static final int MAX_NAME = 100;
    private static final int MAX_REASON = 500;

    private final ObjectReader reader;
    private final TelemetryRecorder recorder;

    TelemetryListener(ObjectMapper json, TelemetryRecorder recorder) {
        // Newer gateways may add fields: they are ignored rather than refused.
        this.reader = json.readerFor(ConnectionEvent.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.recorder = recorder;
    }

    @KafkaListener(id = "connection-telemetry", topics = "${openvdi.kafka.connections-topic:openvdi.connections}",
            groupId = "${openvdi.kafka.telemetry-group:openvdi-broker}",
            containerFactory = TelemetryListenerConfiguration.CONTAINER_FACTORY,
            properties = "auto.offset.reset=earliest")
    void on(ConsumerRecord<String, String> record, Acknowledgment acknowledgment) throws JsonProcessingException {
        ConnectionEvent telemetry = reader.readValue(record.value());
        requireRecordable(telemetry);
        recorder.record(telemetry);
        acknowledgment.acknowledge();
    }

    /**
     * Refuses a record that cannot be recorded, however often it is retried: one without its ids and time, or
     * whose free text (which goes into events and logs) breaks the shared free-text rule ({@link DisplayText}).
     */
    static void requireRecordable(ConnectionEvent telemetry) {
        if (telemetry.eventId() == null || telemetry.type() == null || telemetry.sessionId() == null
                || telemetry.occurredAt() == null) {
            throw new InvalidTelemetryException("A telemetry record needs eventId, type, sessionId and occurredAt");
        }
        if (!isText(telemetry.gatewayId(), MAX_NAME) || !isText(telemetry.userName(), MAX_NAME)
                || !isText(telemetry.clientAddress(), MAX_NAME) || !isText(telemetry.reason(), MAX_REASON)) {
            throw new InvalidTelemetryException("A telemetry record's gatewayId, userName and clientAddress (at most "
                    + MAX_NAME + " characters) and reason (at most " + MAX_REASON + ") must be printable text");
        }
    }

    private static boolean isText(String value, int max) {
        return value == null || DisplayTextValidator.isDisplayText(value, max);
    }
}
