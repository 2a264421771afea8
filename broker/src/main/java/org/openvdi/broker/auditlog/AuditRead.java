package org.openvdi.broker.auditlog;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.auditlog.api.AuditDataReadEvent;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.openvdi.broker.auditlog.api.AuditReadFormat;
import org.openvdi.broker.auditlog.api.RecordAuditReadCommand;
import org.openvdi.broker.recording.api.RecordRecordingsReadCommand;

/** One read of audit data, so that reading the audit trail is itself in it. Recording the same read again is a no-op. */
@Aggregate
class AuditRead {

    @AggregateIdentifier
    private UUID readId;

    AuditRead() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordAuditReadCommand command) {
        if (readId == null) {
            apply(new AuditDataReadEvent(command.readId(), command.reader(), command.what(), command.filters(),
                    command.format(), command.count()));
        }
    }

    /** The recordings' data, read through their own API (which cannot depend on the audit log): a read like any other. */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordRecordingsReadCommand command) {
        if (readId == null) {
            apply(new AuditDataReadEvent(command.readId(), command.reader(), AuditQueryKind.RECORDINGS, command.filters(),
                    AuditReadFormat.PAGE, command.count()));
        }
    }

    @EventSourcingHandler
    void on(AuditDataReadEvent event) {
        readId = event.readId();
    }
}
