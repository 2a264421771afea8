package org.openvdi.gateway.redeem;

/**
 * Body of {@code POST /internal/connections/redeem} at the broker.
 *
 * @param token         the one-time connection token the browser brought
 * @param gatewayId     which gateway redeems it
 * @param clientAddress the browser's address as this gateway sees it
 */
record RedeemRequest(String token, String gatewayId, String clientAddress) {
}
