package org.openvdi.broker.auditlog;

import java.util.Map;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.openvdi.broker.auditlog.api.AuditReadFormat;
import org.openvdi.broker.auditlog.api.RecordAuditReadCommand;
import org.springframework.stereotype.Component;

/** Records every read of audit data as an event ({@code AuditDataReadEvent}), on behalf of the reader. */
@Component
class AuditReads {

    private final AuditedCommands commands;

    AuditReads(AuditedCommands commands) {
        this.commands = commands;
    }

    void record(String reader, AuditQueryKind what, Map<String, String> filters, AuditReadFormat format, long count) {
        commands.send(new RecordAuditReadCommand(UUID.randomUUID(), reader, what, filters, format, count), reader);
    }
}
