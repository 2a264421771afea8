package org.openvdi.broker.connect;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.openvdi.broker.web.DisplayText;

/**
 * Body of {@code POST /internal/connections/redeem}.
 *
 * @param token         the one-time token the browser brought to the gateway: a connect token or a resume token
 * @param gatewayId     which gateway redeems it
 * @param clientAddress the browser's address as that gateway sees it
 */
record RedeemRequest(@NotBlank @Size(max = 200) String token, @NotBlank @DisplayText(max = 200) String gatewayId,
                     @DisplayText(max = 200) String clientAddress) {

    /** Keeps the token out of logs. */
    @Override
    public String toString() {
        return "RedeemRequest[gatewayId=" + gatewayId + ", clientAddress=" + clientAddress + "]";
    }
}
