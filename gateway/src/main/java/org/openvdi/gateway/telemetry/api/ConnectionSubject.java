package org.openvdi.gateway.telemetry.api;

import java.util.UUID;

/** Who connected to which desktop through which gateway: the part shared by a tunnel's two records. */
public record ConnectionSubject(UUID sessionId, UUID desktopId, String userName, String gatewayId,
                                String clientAddress) {
}
