package org.openvdi.broker.demo;

import java.time.Instant;

/** One session of the demo history: who asks for a desktop when, and when they sign off. */
record PlannedSession(String user, Instant requestAt, Instant endAt) {

    PlannedSession {
        if (!endAt.isAfter(requestAt)) {
            throw new IllegalArgumentException("a session ends after it is requested");
        }
    }
}
