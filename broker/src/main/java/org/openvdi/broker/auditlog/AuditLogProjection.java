package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the live audit tables from the event stream: a pooled streaming processor ({@value #GROUP}) that follows the
 * event store from its first event, in batches of {@code openvdi.audit.log.batch-size} events, each batch in one
 * transaction with the processor's token (see {@link AuditLogConfiguration}). The events of a batch are collected
 * as they come and written together just before the batch commits ({@link AuditLogWriter}), a few statements per
 * batch rather than per event. It lags the commands by a moment, never blocks them, and a failure stops it (with
 * retries of the whole batch) rather than skipping an event. It runs in one segment: two segments would write the
 * same sessions from two transactions.
 */
@Component
@ProcessingGroup(AuditLogProjection.GROUP)
class AuditLogProjection {

    static final String GROUP = "audit-log";
    private static final String BATCH = AuditLogProjection.class.getName() + ".batch";

    private final AuditLogWriter writer;

    AuditLogProjection(JdbcTemplate jdbc, ObjectMapper json) {
        this.writer = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
    }

    /** Every event, as a message: its payload is deserialized only when the writer needs it. */
    @EventHandler(payloadType = Object.class)
    void on(EventMessage<?> event) {
        batch().add(event);
    }

    /** The events of the current batch, written when its unit of work prepares to commit. */
    private List<EventMessage<?>> batch() {
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(BATCH, key -> {
            List<EventMessage<?>> events = new ArrayList<>();
            unitOfWork.onPrepareCommit(committing -> writer.write(events));
            return events;
        });
    }

    @ResetHandler
    void reset() {
        writer.clear();
    }
}
