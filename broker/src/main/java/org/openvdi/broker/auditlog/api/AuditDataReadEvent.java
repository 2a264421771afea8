package org.openvdi.broker.auditlog.api;

import java.util.Map;
import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * Someone read audit data: {@code reader} read {@code what} with {@code filters} (the query parameters as given,
 * each cut to 200 characters) as {@code format}, and got {@code count} rows. The event's timestamp says when.
 */
@Revision("1")
public record AuditDataReadEvent(UUID readId, String reader, AuditQueryKind what, Map<String, String> filters,
                                 AuditReadFormat format, long count) {
}
