package org.openvdi.broker.demand;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the live demand tables from the event stream: a pooled streaming processor ({@value #GROUP}) that follows
 * the event store from its first event, in batches, each batch in one transaction with the processor's token (see
 * {@link DemandConfiguration}). It lags the commands by a moment and never blocks them; a failure stops it (with
 * retries) rather than skipping an event. {@link DemandReplay} rebuilds the same tables from the store and compares.
 */
@Component
@ProcessingGroup(DemandProjection.GROUP)
class DemandProjection {

    static final String GROUP = "demand";

    private final DemandWriter writer;

    DemandProjection(JdbcClient jdbc) {
        this.writer = new DemandWriter(jdbc, DemandTables.LIVE);
    }

    @EventHandler
    void on(Object payload, EventMessage<?> event) {
        writer.write(event);
    }

    @ResetHandler
    void reset() {
        writer.clear();
    }
}
