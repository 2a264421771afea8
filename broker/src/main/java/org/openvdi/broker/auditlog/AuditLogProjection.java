package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the live audit tables from the event stream: a pooled streaming processor ({@value #GROUP}) that follows the
 * event store from its first event, in batches, each batch in one transaction with the processor's token (see
 * {@link AuditLogConfiguration}). It lags the commands by a moment, never blocks them, and a failure stops it
 * (with retries) rather than skipping an event.
 */
@Component
@ProcessingGroup(AuditLogProjection.GROUP)
class AuditLogProjection {

    static final String GROUP = "audit-log";

    private final AuditLogWriter writer;

    AuditLogProjection(JdbcClient jdbc, ObjectMapper json) {
        this.writer = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
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
