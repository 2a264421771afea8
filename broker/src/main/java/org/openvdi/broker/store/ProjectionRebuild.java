package org.openvdi.broker.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rebuilds every read model from the event store: in one transaction, each projection's reset
 * handler empties its tables, then every stored event is handed to the projections in order.
 * Readers see the old read models until the rebuilt ones commit; an advisory lock keeps two
 * brokers from rebuilding at once.
 */
@Component
public class ProjectionRebuild {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuild.class);
    static final String PROJECTIONS = "projections";

    private final EventProcessingConfiguration processing;
    private final EventStorageEngine storage;
    private final TransactionTemplate transactions;
    private final ClusterLock lock;

    ProjectionRebuild(EventProcessingConfiguration processing, EventStorageEngine storage,
                      PlatformTransactionManager transactionManager, ClusterLock lock) {
        this.processing = processing;
        this.storage = storage;
        this.transactions = new TransactionTemplate(transactionManager);
        this.lock = lock;
    }

    /** Answers how many events were replayed. */
    public long rebuild() {
        EventHandlerInvoker invoker = processing.eventProcessor(PROJECTIONS, SubscribingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("No subscribing processor named " + PROJECTIONS))
                .eventHandlerInvoker();
        AtomicLong replayed = new AtomicLong();
        lock.runExclusively("projection-rebuild", () -> transactions.executeWithoutResult(status -> {
            invoker.performReset();
            try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
                events.forEach(event -> {
                    DefaultUnitOfWork.startAndGet(event).execute(() -> {
                        try {
                            invoker.handle(event, Segment.ROOT_SEGMENT);
                        } catch (Exception e) {
                            throw new IllegalStateException("Replaying event " + event.getIdentifier() + " failed", e);
                        }
                    });
                    replayed.incrementAndGet();
                });
            }
        }));
        log.info("Rebuilt the read models from {} events", replayed.get());
        return replayed.get();
    }
}
