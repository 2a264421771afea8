package org.openvdi.broker.kafka;

import io.cloudevents.CloudEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes every domain event to Kafka as a CloudEvent ({@link DomainCloudEvents}) for auditors, SIEMs and
 * analytics, in the order of the event store, keyed by aggregate id. It runs in a tracking processor of its own
 * ({@value #GROUP}, one thread), so commands never wait for Kafka.
 * <p>
 * Batched and asynchronous: the processor hands a batch of up to {@code openvdi.kafka.publish-batch-size} events
 * to this handler in one unit of work; each event is given to the producer without waiting, and before the unit
 * of work commits, and with it the processor's new position (its token, in the same transaction), the batch
 * waits until Kafka has acknowledged every record ({@code acks=all}). A failed or late acknowledgement fails the
 * batch: the token stays where it was and the processor retries the whole batch after a backoff, so publication
 * is at-least-once and resumes after an outage where it stopped; records of a failed batch that did reach Kafka
 * are sent again (consumers drop duplicates by the CloudEvent id). One idempotent producer with at most five
 * requests in flight keeps each partition, and so each aggregate, in order.
 * <p>
 * After a send that Kafka refused for authentication or authorization the producer is replaced: an idempotent
 * producer whose first sign-in was refused (Kafka up before its users were created) never sends again, so the
 * retry must not reuse it. After any other failure (a plain outage) it is kept: it recovers by itself, and
 * replacing it costs a close that waits for its pending records.
 */
@Component
@ProcessingGroup(DomainEventPublisher.GROUP)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class DomainEventPublisher {

    static final String GROUP = "kafka-publisher";
    private static final String BATCH = DomainEventPublisher.class.getName() + ".batch";
    private static final Logger log = LoggerFactory.getLogger(DomainEventPublisher.class);

    private final KafkaTemplate<String, CloudEvent> kafka;
    private final DomainCloudEvents cloudEvents;
    private final KafkaSettings settings;

    DomainEventPublisher(KafkaTemplate<String, CloudEvent> kafka, DomainCloudEvents cloudEvents, KafkaSettings settings) {
        this.kafka = kafka;
        this.cloudEvents = cloudEvents;
        this.settings = settings;
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) {
        PublicationBatch batch = batch();
        CloudEvent cloudEvent = cloudEvents.of(event);
        try {
            batch.throwIfFailed();
            batch.add(kafka.send(settings.eventsTopic(), DomainCloudEvents.key(event), cloudEvent));
        } catch (RuntimeException e) {
            replaceProducerIfRefused(e);
            throw e;
        }
    }

    /** The batch of the current unit of work, created with its first event, awaited when the unit of work commits. */
    private PublicationBatch batch() {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(BATCH, key -> {
            PublicationBatch batch = new PublicationBatch();
            unitOfWork.onPrepareCommit(committing -> complete(batch));
            return batch;
        });
    }

    private void complete(PublicationBatch batch) {
        try {
            kafka.flush();
            batch.awaitAcknowledged(settings.sendTimeout());
            log.debug("Kafka acknowledged a batch of {} events", batch.size());
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
}
