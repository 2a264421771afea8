package org.openvdi.contract;

import java.util.UUID;

/**
 * Who connected to which desktop through which gateway: the part shared by a tunnel's two records.
 * {@code connectionId} is the secret id the broker handed out with the grant; it binds the records to the
 * redemption and is left out of {@link #toString()}.
 */
public record ConnectionSubject(UUID sessionId, UUID desktopId, String userName, String gatewayId,
                                String clientAddress, String connectionId) {

    @Override
    public String toString() {
        return "ConnectionSubject[sessionId=" + sessionId + ", desktopId=" + desktopId + ", userName=" + userName
                + ", gatewayId=" + gatewayId + ", clientAddress=" + clientAddress + "]";
    }
}
