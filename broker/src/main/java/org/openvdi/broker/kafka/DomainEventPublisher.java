package org.openvdi.broker.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes every domain event to Kafka for auditors, SIEMs and analytics, in the order of the
 * event store. It runs in a tracking processor of its own ({@value #GROUP}), so commands never
 * wait for Kafka; each send is awaited, and a failed one fails the handler, so the processor's
 * token stays where it was and the processor retries with backoff: at-least-once, resuming after
 * an outage. Kafka is never the source of truth: the event store is. After a send that Kafka refused
 * for authentication or authorization the producer is replaced: an idempotent producer whose first sign-in
 * was refused (Kafka up before its users were created) never sends again, so the retry must not reuse it.
 * After any other failure (a plain outage) it is kept: it recovers by itself, and replacing it costs a close
 * that waits for its pending records.
 */
@Component
@ProcessingGroup(DomainEventPublisher.GROUP)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class DomainEventPublisher {

    static final String GROUP = "kafka-publisher";
    private static final Logger log = LoggerFactory.getLogger(DomainEventPublisher.class);

    private final KafkaTemplate<String, String> kafka;
    private final ObjectMapper json;
    private final KafkaSettings settings;

    DomainEventPublisher(KafkaTemplate<String, String> kafka, ObjectMapper json, KafkaSettings settings) {
        this.kafka = kafka;
        this.json = json;
        this.settings = settings;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) throws JsonProcessingException {
        PublishedEvent published = published(payload, event);
        String key = published.aggregateId() != null ? published.aggregateId() : published.eventId();
        String body = json.writeValueAsString(published);
        try {
            kafka.send(settings.eventsTopic(), key, body).get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
            log.debug("Published {} {} of {}", published.type(), published.eventId(), key);
        } catch (ExecutionException e) {
            replaceProducerIfRefused(e);
            throw new KafkaPublishException("Publishing " + published.type() + " " + published.eventId() + " failed",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaPublishException("Publishing " + published.type() + " " + published.eventId()
                    + " took longer than " + settings.sendTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaPublishException("Interrupted while publishing " + published.eventId(), e);
        } catch (RuntimeException e) {
            replaceProducerIfRefused(e);
            throw e;
        }
    }

    private void replaceProducerIfRefused(Exception failure) {
        if (KafkaSignInRefusal.causedBy(failure)) {
            log.warn("Kafka refused the producer's sign-in or permission; replacing the producer");
            kafka.getProducerFactory().reset();
        }
    }

    private static PublishedEvent published(Object payload, EventMessage<?> event) {
        String aggregateType = null;
        String aggregateId = null;
        Long sequence = null;
        if (event instanceof DomainEventMessage<?> domain) {
            aggregateType = domain.getType();
            aggregateId = domain.getAggregateIdentifier();
            sequence = domain.getSequenceNumber();
        }
        Object actor = event.getMetaData().get("user");
        return new PublishedEvent(event.getIdentifier(), event.getPayloadType().getSimpleName(), aggregateType,
                aggregateId, sequence, event.getTimestamp(), actor == null ? null : actor.toString(), payload);
    }
}
