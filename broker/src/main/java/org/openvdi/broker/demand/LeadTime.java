package org.openvdi.broker.demand;

import java.time.Instant;

/** One provisioning's lead time: requested at {@code requestedAt}, READY {@code millis} later. */
public record LeadTime(Instant requestedAt, long millis) {
}
