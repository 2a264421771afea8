package org.openvdi.broker.kafka;

import io.cloudevents.CloudEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
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
 * Batched, asynchronous and windowed: the processor hands a batch of up to {@code openvdi.kafka.publish-batch-size}
 * events to this handler in one unit of work; each event is given to the producer without waiting. When the unit of
 * work commits, the batch joins the {@link PublicationWindow} and the processor reads on while Kafka acknowledges
 * it; only when {@code openvdi.kafka.publish-window} batches are unacknowledged does it wait for the oldest. The
 * processor's stored position ({@link AcknowledgedTokenStore}) follows the acknowledgements: it moves to the end of
 * a batch only once Kafka acknowledged ({@code acks=all}) that batch and every one before it. A failed or late
 * acknowledgement fails the processor's current batch: it restarts from its stored position after a backoff and
 * sends everything after it again, so publication is at-least-once and resumes after an outage where it stopped
 * (consumers drop duplicates by the CloudEvent id). One idempotent producer with at most five requests in flight
 * keeps each partition, and so each aggregate, in order.
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
    private static final String SEALING = DomainEventPublisher.class.getName() + ".sealing";
    private static final Logger log = LoggerFactory.getLogger(DomainEventPublisher.class);

    private final KafkaTemplate<String, CloudEvent> kafka;
    private final DomainCloudEvents cloudEvents;
    private final KafkaSettings settings;
    private final PublicationWindow window;

    DomainEventPublisher(KafkaTemplate<String, CloudEvent> kafka, DomainCloudEvents cloudEvents, KafkaSettings settings,
                         PublicationWindow window) {
        this.kafka = kafka;
        this.cloudEvents = cloudEvents;
        this.settings = settings;
        this.window = window;
    }

    /**
     * Takes the message alone, not its payload: a handler whose first parameter is the payload makes Axon deserialize
     * every event read from the store, and the CloudEvent's data is the payload as stored ({@link DomainCloudEvents}).
     */
    @EventHandler
    void on(EventMessage<?> event) {
        try {
            PublicationBatch batch = window.sending();
            sealOnCommit(event);
            batch.add(kafka.send(settings.eventsTopic(), DomainCloudEvents.key(event), cloudEvents.of(event)));
        } catch (RuntimeException e) {
            replaceProducerIfRefused(e);
            throw e;
        }
    }

    /**
     * Seals the window's batch when the unit of work commits, at the position of the unit of work's last event
     * (the processor's batch ends with it). Registered with the first event of a unit of work.
     */
    private void sealOnCommit(EventMessage<?> event) {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        TrackingToken[] last = unitOfWork.getOrComputeResource(SEALING, key -> {
            TrackingToken[] position = new TrackingToken[1];
            unitOfWork.onPrepareCommit(committing -> seal(position[0]));
            return position;
        });
        if (event instanceof TrackedEventMessage<?> tracked) {
            last[0] = tracked.trackingToken();
        }
    }

    private void seal(TrackingToken position) {
        try {
            window.seal(position);
            log.debug("{} batches of events in flight to Kafka", window.batchesInFlight());
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
