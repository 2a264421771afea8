package org.openvdi.contract;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Body of the broker's {@code POST /internal/connections/redeem}, sent by the gateway. The broker validates it
 * with these annotations.
 *
 * @param token         the one-time token the browser brought to the gateway: a connect token or a resume token
 * @param gatewayId     which gateway redeems it
 * @param clientAddress the browser's address as that gateway sees it
 */
public record RedeemRequest(@NotBlank @Size(max = 200) String token, @NotBlank @DisplayText(max = 200) String gatewayId,
                     @DisplayText(max = 200) String clientAddress) {

    /** Keeps the token out of logs. */
    @Override
    public String toString() {
        return "RedeemRequest[gatewayId=" + gatewayId + ", clientAddress=" + clientAddress + "]";
    }
}
