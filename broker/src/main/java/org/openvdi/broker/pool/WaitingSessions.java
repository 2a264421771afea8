package org.openvdi.broker.pool;

import java.util.List;
import java.util.UUID;

/**
 * The sessions that wait for a desktop of a pool. The session feature owns the sessions' read model and answers
 * this ({@code SessionQueries}); the pool feature only asks, so that it never reads another feature's table and
 * never depends on the session feature, which depends on pools.
 */
public interface WaitingSessions {

    /** A requested session that may still need a desktop. */
    record WaitingSession(UUID sessionId, String user) {
    }

    /** Requested sessions of the pool, in the order they were requested: the queue for its desktops. */
    List<WaitingSession> waitingIn(UUID poolId);
}
