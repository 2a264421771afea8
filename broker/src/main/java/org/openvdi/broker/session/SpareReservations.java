package org.openvdi.broker.session;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The ready spares this broker is assigning right now, each to one session: allocations that run at the same time
 * take different spares instead of all racing for the oldest one. It only spreads the work: the desktop itself
 * accepts one assignment (another broker's included), and an allocation that loses there tries the next spare.
 */
@Component
class SpareReservations {

    private final Map<UUID, UUID> sessionOfDesktop = new ConcurrentHashMap<>();

    /** Whether the desktop was free to try and is now this session's to try. */
    boolean reserve(UUID desktopId, UUID sessionId) {
        return sessionOfDesktop.putIfAbsent(desktopId, sessionId) == null;
    }

    void release(UUID desktopId, UUID sessionId) {
        sessionOfDesktop.remove(desktopId, sessionId);
    }

    /** How many spares are being assigned now. */
    int count() {
        return sessionOfDesktop.size();
    }
}
