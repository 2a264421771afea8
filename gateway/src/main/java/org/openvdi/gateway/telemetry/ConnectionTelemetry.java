package org.openvdi.gateway.telemetry;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import org.openvdi.gateway.GatewaySettings;
import org.slf4j.Logger;
import org.openvdi.gateway.telemetry.api.ConnectionEvent;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes connection telemetry to Kafka without ever holding up a tunnel: records are handed to
 * one background thread with a bounded queue, sent asynchronously, and failures are logged.
 * When Kafka is down the producer waits at most {@code max.block.ms} per record on that thread;
 * when the queue is full, records are dropped with an error log rather than blocking tunnels.
 */
@Component
public class ConnectionTelemetry {

    private static final Logger log = LoggerFactory.getLogger(ConnectionTelemetry.class);
    private static final int QUEUE_CAPACITY = 10_000;

    private final KafkaTemplate<String, String> kafkaTemplate;
    private final ObjectMapper objectMapper;
    private final String topic;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY), new CustomizableThreadFactory("telemetry-"));

    public ConnectionTelemetry(KafkaTemplate<String, String> kafkaTemplate, ObjectMapper objectMapper,
                               GatewaySettings settings) {
        this.kafkaTemplate = kafkaTemplate;
        this.objectMapper = objectMapper;
        this.topic = settings.telemetryTopic();
    }

    /** Queues the record for sending and returns at once. */
    public void publish(ConnectionEvent event) {
        String json;
        try {
            json = objectMapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event, e);
        }
        try {
            sender.execute(() -> send(event, json));
        } catch (RejectedExecutionException e) {
            log.error("Telemetry queue is full or stopped; dropped {} of session {}", event.type(),
                    event.sessionId(), e);
        }
    }

    private void send(ConnectionEvent event, String json) {
        try {
            kafkaTemplate.send(topic, event.sessionId().toString(), json).whenComplete((result, failure) -> {
                if (failure != null) {
                    log.error("Could not publish {} of session {} to {}", event.type(), event.sessionId(), topic,
                            failure);
                } else {
                    log.debug("Published {} of session {} to {}", event.type(), event.sessionId(), topic);
                }
            });
        } catch (RuntimeException e) {
            log.error("Could not publish {} of session {} to {}", event.type(), event.sessionId(), topic, e);
        }
    }

    /** Lets queued records go out (bounded by the producer's own timeouts) before the producer closes. */
    @PreDestroy
    void drain() throws InterruptedException {
        sender.shutdown();
        if (!sender.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("Telemetry sender did not drain within 10 s; {} records not sent", sender.getQueue().size());
            sender.shutdownNow();
        }
    }
}
