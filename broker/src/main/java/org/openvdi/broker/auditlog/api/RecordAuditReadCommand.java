package org.openvdi.broker.auditlog.api;

import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records one read of audit data: who read which answer, with which filters, and how many rows they got. */
public record RecordAuditReadCommand(@TargetAggregateIdentifier UUID readId, String reader, AuditQueryKind what,
                                     Map<String, String> filters, AuditReadFormat format, long count) {
}
