package org.openvdi.broker.store;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.SubscribingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.openvdi.broker.error.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rebuilds every read model from the event store: in one transaction, each projection's reset
 * handler locks and empties its tables ({@link ReadModelReset}), then every stored event is handed to the projections
 * in order. Readers see the old read models until the rebuilt ones commit; live commands that write a read model
 * wait for the rebuild and then apply their events to the rebuilt rows. An advisory lock keeps two brokers from
 * rebuilding at once.
 * <p>
 * Locking the tables one after the other may meet a command that holds one of them and waits for another: the
 * rebuild waits {@value #LOCK_WAIT} for each lock (shorter than PostgreSQL's deadlock check), then gives up all it
 * holds and starts again, {@value #ATTEMPTS} times at most; the command goes on.
 */
@Component
public class ProjectionRebuild {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRebuild.class);
    static final String PROJECTIONS = "projections";
    static final String LOCK_WAIT = "200ms";
    static final int ATTEMPTS = 50;
    /** PostgreSQL's SQL state for a lock not granted within {@code lock_timeout}. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final EventProcessingConfiguration processing;
    private final EventStorageEngine storage;
    private final TransactionTemplate transactions;
    private final ClusterLock lock;
    private final JdbcClient jdbc;

    ProjectionRebuild(EventProcessingConfiguration processing, EventStorageEngine storage,
                      PlatformTransactionManager transactionManager, ClusterLock lock, JdbcClient jdbc) {
        this.processing = processing;
        this.storage = storage;
        this.transactions = new TransactionTemplate(transactionManager);
        this.lock = lock;
        this.jdbc = jdbc;
    }

    /** Answers how many events were replayed. */
    public long rebuild() {
        EventHandlerInvoker invoker = processing.eventProcessor(PROJECTIONS, SubscribingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("No subscribing processor named " + PROJECTIONS))
                .eventHandlerInvoker();
        AtomicLong replayed = new AtomicLong();
        lock.runExclusively("projection-rebuild", () -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    replayed.set(transactions.execute(status -> replay(invoker)));
                    return;
                } catch (RuntimeException e) {
                    if (attempt == ATTEMPTS || !SqlStates.causes(e, LOCK_NOT_AVAILABLE)) {
                        throw e;
                    }
                    log.debug("Rebuild attempt {} waited too long for a read model's lock; starting again", attempt);
                    pause(attempt);
                }
            }
        });
        log.info("Rebuilt the read models from {} events", replayed.get());
        return replayed.get();
    }

    private long replay(EventHandlerInvoker invoker) {
        jdbc.sql("SET LOCAL lock_timeout = '" + LOCK_WAIT + "'").update();
        invoker.performReset();
        long replayed = 0;
        try (Stream<? extends TrackedEventMessage<?>> events = storage.readEvents(null, false)) {
            for (Iterator<? extends TrackedEventMessage<?>> next = events.iterator(); next.hasNext(); ) {
                TrackedEventMessage<?> event = next.next();
                DefaultUnitOfWork.startAndGet(event).execute(() -> {
                    try {
                        invoker.handle(event, Segment.ROOT_SEGMENT);
                    } catch (Exception e) {
                        throw new IllegalStateException("Replaying event " + event.getIdentifier() + " failed", e);
                    }
                });
                replayed++;
            }
        }
        return replayed;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(20L * attempt, 500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while rebuilding the read models", e);
        }
    }
}
