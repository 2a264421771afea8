package org.openvdi.broker.demand;

import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the live demand tables from the event stream: a pooled streaming processor ({@value #GROUP}) that follows
 * the event store from its first event, in batches, each batch in one transaction with the processor's token (see
 * {@link DemandConfiguration}). It lags the commands by a moment and never blocks them; a failure stops it (with
 * retries) rather than skipping an event. {@link DemandReplay} rebuilds the same tables from the store and compares.
 *
 * <p>Each batch of events the processor hands over is written as one {@link DemandBatch}: its rows are read when the
 * batch's first event arrives, and written when the batch's unit of work prepares its commit, in the batch's
 * transaction; a batch that fails leaves nothing behind, and its retry starts from the tables again.
 */
@Component
@ProcessingGroup(DemandProjection.GROUP)
class DemandProjection {

    static final String GROUP = "demand";
    private static final String BATCH = DemandProjection.class.getName() + ".batch";

    private final DemandWriter writer;

    DemandProjection(JdbcClient jdbc) {
        this.writer = new DemandWriter(jdbc, DemandTables.LIVE);
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?> unit) {
            UnitOfWork<?> root = unit.root();
            DemandBatch batch = root.getOrComputeResource(BATCH, key -> {
                List<EventMessage<?>> upcoming = unit.getMessages().stream()
                        .filter(EventMessage.class::isInstance).<EventMessage<?>>map(EventMessage.class::cast).toList();
                DemandBatch created = writer.begin(upcoming);
                root.onPrepareCommit(u -> created.flush());
                return created;
            });
            batch.apply(event);
        } else {
            writer.write(event);
        }
    }

    @ResetHandler
    void reset() {
        writer.clear();
    }
}
