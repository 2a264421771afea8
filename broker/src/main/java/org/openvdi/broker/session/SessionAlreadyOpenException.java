package org.openvdi.broker.session;

import java.util.UUID;

/**
 * The user has an open session in the pool already; the new one is not recorded. {@code openSession} is that
 * session, or null when it ended in the instant between the refusal and the look-up.
 */
class SessionAlreadyOpenException extends RuntimeException {

    private final UUID openSession;

    SessionAlreadyOpenException(UUID poolId, String user, UUID openSession) {
        super(user + " has an open session in pool " + poolId + " already: " + openSession);
        this.openSession = openSession;
    }

    UUID openSession() {
        return openSession;
    }
}
