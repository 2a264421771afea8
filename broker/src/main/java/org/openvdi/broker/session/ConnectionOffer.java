package org.openvdi.broker.session;

import java.time.Instant;

/** Where the employee's browser connects: the gateway's page with a one-time token, valid until {@code expiresAt}. */
public record ConnectionOffer(String connectUrl, Instant expiresAt) {
}
