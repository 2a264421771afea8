package org.openvdi.broker.telemetry.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.contract.ConnectionEventType;

/**
 * A record on the gateways' telemetry topic was refused: it did not name a connection the broker handed out,
 * or not as the redeeming gateway, so it changed no session. Every field is bounded; what the record claimed is
 * kept only as far as it parsed. At most {@code openvdi.telemetry.refusal-events-per-minute} of these are
 * recorded per broker and minute; {@code suppressedBefore} counts the refusals left unrecorded since the
 * previous one (they are still counted in the metric {@code openvdi.telemetry.refused}).
 *
 * @param recordId         the record's own id
 * @param type             OPENED or CLOSED
 * @param sessionId        the session the record named
 * @param claimedGatewayId the gateway id the record named, cut to 100 characters
 * @param reason           why it was refused
 * @param suppressedBefore refusals not recorded as events since the previous refusal event of this broker
 */
@Revision("1")
public record ConnectionTelemetryRefusedEvent(UUID recordId, ConnectionEventType type, UUID sessionId,
                                              String claimedGatewayId, TelemetryRefusalReason reason,
                                              long suppressedBefore) {
}
