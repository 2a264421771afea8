package org.openvdi.gateway.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.gateway.GatewaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes connection telemetry to Kafka without ever holding up a tunnel and without giving a record up while
 * there is room to keep it. Records go into a bounded queue ({@link #QUEUE_CAPACITY}); one background thread sends
 * them in order, in batches, and waits for Kafka's answer to each batch. A record Kafka did not take (no answer within
 * {@code max.block.ms}, as just after a gateway restart on a busy machine, or an outage) is sent again, in its order,
 * after a backoff that grows from {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}, until Kafka takes it. Only when the
 * queue is full is a new record dropped: that is logged and counted ({@code openvdi.gateway.telemetry.dropped}). A
 * producer whose sign-in Kafka refused is replaced before the next attempt, so telemetry resumes once Kafka accepts
 * the gateway's credentials. When the gateway stops, the sender has {@link #FLUSH_TIMEOUT} to get what is queued to
 * Kafka; what is left then is logged and counted as dropped.
 */
@Component
public class ConnectionTelemetry implements SmartLifecycle {

    /**
     * Stops after the tunnels, which publish their CLOSED records as they end, and just before the Kafka
     * producer factory, which stops in the last phase ({@code Integer.MIN_VALUE}) by closing its producer.
     */
    static final int PHASE = Integer.MIN_VALUE + 1;
    /** How long stopping may wait for Kafka to take the records; the gateway stops without them after that. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(3);
    static final int QUEUE_CAPACITY = 10_000;
    static final int BATCH = 500;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(ConnectionTelemetry.class);

    private record Pending(ConnectionEvent event, String json) {
    }

    private final KafkaTemplate<String, String> kafkaTemplate;
    private final ObjectMapper objectMapper;
    private final String topic;
    private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>(QUEUE_CAPACITY);
    private final Counter dropped;
    private final Counter retried;
    private final Thread sender;
    /** Records taken from the queue and not yet taken by Kafka; only the sender thread changes it. */
    private volatile List<Pending> inFlight = List.of();
    private volatile boolean running;
    private volatile boolean closing;

    public ConnectionTelemetry(KafkaTemplate<String, String> kafkaTemplate, ObjectMapper objectMapper,
                               GatewaySettings settings, MeterRegistry meters) {
        this.kafkaTemplate = kafkaTemplate;
        this.objectMapper = objectMapper;
        this.topic = settings.telemetryTopic();
        this.dropped = Counter.builder("openvdi.gateway.telemetry.dropped")
                .description("Telemetry records given up: the queue was full, or the gateway stopped before Kafka took them")
                .register(meters);
        this.retried = Counter.builder("openvdi.gateway.telemetry.retried")
                .description("Telemetry records sent again after Kafka did not take them")
                .register(meters);
        this.sender = new Thread(this::sendUntilClosed, "telemetry-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues the record for sending and returns at once. */
    public void publish(ConnectionEvent event) {
        String json;
        try {
            json = objectMapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + event, e);
        }
        if (closing || !queue.offerLast(new Pending(event, json))) {
            dropped.increment();
            log.error("Telemetry queue is full ({} records) or closed; dropped {} of session {}", QUEUE_CAPACITY,
                    event.type(), event.sessionId());
        }
    }

    /** Records waiting for Kafka, queued or sent and not yet answered. */
    public int pending() {
        return queue.size() + inFlight.size();
    }

    private void sendUntilClosed() {
        Duration backoff = FIRST_BACKOFF;
        List<Pending> batch = new ArrayList<>();
        while (!closing) {
            try {
                if (batch.isEmpty()) {
                    Pending first = queue.pollFirst(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                inFlight = List.copyOf(batch);
                List<Pending> refused = sendInOrder(batch);
                if (refused.isEmpty()) {
                    batch = new ArrayList<>();
                    backoff = FIRST_BACKOFF;
                } else {
                    retried.increment(refused.size());
                    log.warn("Kafka did not take {} telemetry records; sending them again in {}", refused.size(),
                            backoff);
                    batch = new ArrayList<>(refused);
                    inFlight = List.copyOf(batch);
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
                if (batch.isEmpty()) {
                    inFlight = List.of();
                }
            } catch (InterruptedException e) {
                if (closing) {
                    break;
                }
            } catch (RuntimeException e) {
                log.error("Telemetry sender failed; it goes on", e);
            }
        }
    }

    /**
     * Sends the batch and waits for Kafka's answer to each record (Kafka bounds the wait with {@code max.block.ms} and
     * {@code delivery.timeout.ms}); returns the records it did not take, in their order.
     */
    private List<Pending> sendInOrder(List<Pending> batch) throws InterruptedException {
        List<CompletableFuture<?>> answers = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            CompletableFuture<?> answer;
            try {
                answer = kafkaTemplate.send(topic, pending.event().sessionId().toString(), pending.json());
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answers.add(answer);
            if (answer.isCompletedExceptionally()) {
                // refused at once (no metadata within max.block.ms, a closed producer): the rest would wait as long
                break;
            }
        }
        List<Pending> refused = new ArrayList<>();
        Throwable refusal = null;
        for (int i = 0; i < batch.size(); i++) {
            if (i >= answers.size()) {
                refused.add(batch.get(i));
                continue;
            }
            try {
                answers.get(i).get();
                log.debug("Published {} of session {} to {}", batch.get(i).event().type(),
                        batch.get(i).event().sessionId(), topic);
            } catch (ExecutionException e) {
                refused.add(batch.get(i));
                refusal = e.getCause();
            }
        }
        if (refusal != null) {
            log.info("Could not publish {} telemetry records to {}: {}", refused.size(), topic, refusal.toString());
            replaceProducerIfRefused(refusal);
        }
        return refused;
    }

    /**
     * Replaces the producer after Kafka refused its sign-in or permission: an idempotent producer whose first sign-in
     * was refused never sends again. Runs on the sender thread, between batches. Other failures (an outage) keep the
     * producer, which recovers by itself.
     */
    private void replaceProducerIfRefused(Throwable failure) {
        if (KafkaSignInRefusal.causedBy(failure)) {
            log.warn("Kafka refused the telemetry producer's sign-in or permission; replacing the producer");
            kafkaTemplate.getProducerFactory().reset();
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /**
     * Waits until Kafka took every record queued so far, for at most {@link #FLUSH_TIMEOUT}; what is left then is
     * given up, logged and counted.
     */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + FLUSH_TIMEOUT.toNanos();
        try {
            while (pending() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        sender.interrupt();
        int left = pending();
        if (left > 0) {
            dropped.increment(left);
            log.error("Telemetry not delivered to {} within {}; dropped {} records", topic, FLUSH_TIMEOUT, left);
        } else {
            log.debug("Telemetry delivered to {}", topic);
        }
        queue.clear();
    }

    /** Ends the sender thread, even one waiting for Kafka. */
    @PreDestroy
    void shutdown() {
        closing = true;
        sender.interrupt();
    }
}
