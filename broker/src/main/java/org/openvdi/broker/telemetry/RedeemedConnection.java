package org.openvdi.broker.telemetry;

import java.util.UUID;

/** A connection handed out at a redemption: whose session it is and which gateway redeemed it. */
record RedeemedConnection(UUID sessionId, String gatewayId) {
}
