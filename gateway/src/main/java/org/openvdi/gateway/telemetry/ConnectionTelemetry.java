package org.openvdi.gateway.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.gateway.GatewaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes connection telemetry to Kafka without ever holding up a tunnel: records are handed to
 * one background thread with a bounded queue, sent asynchronously, and failures are logged.
 * When Kafka is down the producer waits at most {@code max.block.ms} per record on that thread;
 * when the queue is full, records are dropped with an error log rather than blocking tunnels. A producer whose
 * sign-in Kafka refused is replaced, so telemetry resumes once Kafka accepts the gateway's credentials.
 * When the gateway stops, what was published goes out and the producer is flushed, for at most
 * {@link #FLUSH_TIMEOUT}, before the producer is closed.
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
    private static final Logger log = LoggerFactory.getLogger(ConnectionTelemetry.class);
    private static final int QUEUE_CAPACITY = 10_000;

    private final KafkaTemplate<String, String> kafkaTemplate;
    private final ObjectMapper objectMapper;
    private final String topic;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE_CAPACITY), new CustomizableThreadFactory("telemetry-"));
    private final AtomicBoolean resetPending = new AtomicBoolean();
    private volatile boolean running;

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
                    replaceProducerIfRefused(failure);
                } else {
                    log.debug("Published {} of session {} to {}", event.type(), event.sessionId(), topic);
                }
            });
        } catch (RuntimeException e) {
            log.error("Could not publish {} of session {} to {}", event.type(), event.sessionId(), topic, e);
            replaceProducerIfRefused(e);
        }
    }

    /**
     * Replaces the producer after Kafka refused its sign-in or permission, once however many sends failed: an
     * idempotent producer whose first sign-in was refused never sends again. The reset runs on the sender
     * thread, after the sends queued before it, never on the producer's own callback thread. Other failures
     * (an outage) keep the producer, which recovers by itself.
     */
    private void replaceProducerIfRefused(Throwable failure) {
        if (!KafkaSignInRefusal.causedBy(failure) || !resetPending.compareAndSet(false, true)) {
            return;
        }
        try {
            sender.execute(() -> {
                resetPending.set(false);
                log.warn("Kafka refused the telemetry producer's sign-in or permission; replacing the producer");
                kafkaTemplate.getProducerFactory().reset();
            });
        } catch (RejectedExecutionException e) {
            resetPending.set(false);
            log.error("Could not replace the telemetry producer; the queue is full or stopped", e);
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
     * Flushes the producer behind every record queued so far and waits for it, for at most
     * {@link #FLUSH_TIMEOUT}: with Kafka down the sender thread may be blocked for {@code max.block.ms} on each
     * record, and the gateway does not wait for that.
     */
    @Override
    public void stop() {
        running = false;
        FutureTask<Void> flush = new FutureTask<>(kafkaTemplate::flush, null);
        try {
            sender.execute(flush);
            flush.get(FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.debug("Telemetry flushed to {}", topic);
        } catch (TimeoutException e) {
            sender.remove(flush);
            log.error("Telemetry not flushed to {} within {}; {} queued records and those in the producer may be lost",
                    topic, FLUSH_TIMEOUT, sender.getQueue().size());
        } catch (RejectedExecutionException | ExecutionException e) {
            log.error("Telemetry could not be flushed to {}", topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.error("Interrupted while flushing telemetry to {}", topic, e);
        }
    }

    /** Ends the sender thread, even one blocked on Kafka; what is still queued then is dropped. */
    @PreDestroy
    void shutdown() {
        List<Runnable> unsent = sender.shutdownNow();
        if (!unsent.isEmpty()) {
            log.error("Telemetry sender stopped; dropped {} records not sent to {}", unsent.size(), topic);
        }
    }
}
