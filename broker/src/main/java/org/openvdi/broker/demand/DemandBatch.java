package org.openvdi.broker.demand;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopBecameReadyEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopFailedEvent;
import org.openvdi.broker.desktop.api.DesktopLostEvent;
import org.openvdi.broker.desktop.api.DesktopPowerOnRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopPoweredOffEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopRecomposedEvent;
import org.openvdi.broker.desktop.api.DesktopRecompositionStartedEvent;
import org.openvdi.broker.desktop.api.DesktopRecycledEvent;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionFailedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.demand.DemandRows.DesktopRow;
import org.openvdi.broker.demand.DemandRows.RequestRow;

/**
 * The demand history of one batch of events (see {@link DemandWriter} for what is recorded): it reads the rows the
 * batch's events touch in one query per table, applies the events to them in memory in order, and writes what changed
 * with one statement per table ({@link #flush()}), so a batch of events costs a handful of statements whatever its
 * size. The rows it writes are those that writing the events one at a time would leave: the in-memory rows carry
 * times as PostgreSQL stores them (to the microsecond), and every sum is computed by the same SQL as before.
 */
final class DemandBatch {

    private final DemandRows rows;

    DemandBatch(DemandRows rows, Collection<? extends EventMessage<?>> upcoming) {
        this.rows = rows;
        Set<UUID> sessions = new HashSet<>();
        Set<UUID> desktops = new HashSet<>();
        for (EventMessage<?> event : upcoming) {
            Object payload = event.getPayload();
            sessionOf(payload).ifPresent(sessions::add);
            desktopOf(payload).ifPresent(desktops::add);
        }
        rows.load(sessions, desktops);
    }

    /** Applies what {@code event} changes, if anything, to this batch's rows. */
    void apply(EventMessage<?> event) {
        Instant at = event.getTimestamp();
        Object payload = event.getPayload();
        if (payload instanceof SessionRequestedEvent e) {
            if (rows.request(e.sessionId()) == null) {
                rows.addRequest(new RequestRow(e.sessionId(), e.poolId(), DemandRows.stored(at)));
                rows.count(e.poolId(), at, 1, 0, 0, 0, 0);
            }
        } else if (payload instanceof DesktopAssignedToSessionEvent e) {
            assigned(e, at);
        } else if (payload instanceof SessionEndedEvent e) {
            ended(rows.request(e.sessionId()), at);
        } else if (payload instanceof SessionFailedEvent e) {
            failed(rows.request(e.sessionId()), at);
        } else if (payload instanceof DesktopProvisioningRequestedEvent e) {
            if (rows.desktop(e.desktopId()) == null) {
                rows.addDesktop(new DesktopRow(e.desktopId(), e.poolId(), e.owner() != null, DemandRows.stored(at)));
            }
        } else if (payload instanceof DesktopBecameReadyEvent e) {
            ready(rows.desktop(e.desktopId()), at);
        } else if (payload instanceof DesktopAssignedEvent e) {
            DesktopRow desktop = endSpare(rows.desktop(e.desktopId()), at);
            if (e.claimed() && desktop != null) {
                desktop.owned = true;
                rows.changed(desktop);
            }
        } else if (payload instanceof DesktopRecomposedEvent e) {
            DesktopRow desktop = endSpare(rows.desktop(e.desktopId()), at);
            if (desktop != null) {
                desktop.provisioningSince = DemandRows.stored(at);
                rows.changed(desktop);
            }
        } else if (payload instanceof DesktopPowerOnRequestedEvent e) {
            // a power-on is not a provisioning: its time to READY is not a lead time
            DesktopRow desktop = rows.desktop(e.desktopId());
            if (desktop != null) {
                desktop.provisioningSince = null;
                rows.changed(desktop);
            }
        } else {
            desktopOfEndingSpare(payload).ifPresent(id -> endSpare(rows.desktop(id), at));
        }
    }

    /** Writes this batch's rows. */
    void flush() {
        rows.flush();
    }

    private void assigned(DesktopAssignedToSessionEvent e, Instant at) {
        RequestRow request = rows.request(e.sessionId());
        if (request == null || request.readyAt != null) {
            return;
        }
        DesktopRow desktop = rows.desktop(e.desktopId());
        Instant desktopReady = desktop == null ? null : desktop.readyAt;
        boolean warm = desktopReady != null && !desktopReady.isAfter(request.requestedAt);
        long waitMs = Math.max(0, Duration.between(request.requestedAt, at).toMillis());
        request.desktopId = e.desktopId();
        request.readyAt = DemandRows.stored(at);
        request.warm = warm;
        request.waitMs = waitMs;
        rows.changed(request);
        if (warm) {
            rows.count(request.poolId, request.requestedAt, 0, 1, 0, 0, 0);
        } else {
            rows.count(request.poolId, request.requestedAt, 0, 0, 1, 0, waitMs);
        }
    }

    private void ended(RequestRow request, Instant at) {
        if (request == null || request.endedAt != null) {
            return;
        }
        request.endedAt = DemandRows.stored(at);
        rows.changed(request);
        if (request.readyAt != null) {
            rows.session(request.poolId, request.readyAt, at);
        }
    }

    private void failed(RequestRow request, Instant at) {
        if (request == null || request.failed || request.endedAt != null) {
            return;
        }
        request.failed = true;
        request.endedAt = DemandRows.stored(at);
        rows.changed(request);
        rows.count(request.poolId, request.requestedAt, 0, 0, 0, 1, 0);
        if (request.readyAt != null) {
            rows.session(request.poolId, request.readyAt, at);
        }
    }

    private void ready(DesktopRow desktop, Instant at) {
        if (desktop == null) {
            return;
        }
        if (desktop.provisioningSince != null) {
            rows.leadTime(desktop.desktopId, desktop.poolId, desktop.provisioningSince, at,
                    Math.max(0, Duration.between(desktop.provisioningSince, at).toMillis()));
        }
        desktop.provisioningSince = null;
        desktop.readyAt = DemandRows.stored(at);
        desktop.spareSince = desktop.owned ? null : desktop.spareSince != null ? desktop.spareSince : DemandRows.stored(at);
        rows.changed(desktop);
    }

    private DesktopRow endSpare(DesktopRow desktop, Instant at) {
        if (desktop != null && desktop.spareSince != null) {
            Instant since = desktop.spareSince;
            desktop.spareSince = null;
            rows.changed(desktop);
            rows.spare(desktop.poolId, since, at);
        }
        return desktop;
    }

    private static Optional<UUID> sessionOf(Object payload) {
        if (payload instanceof SessionRequestedEvent e) {
            return Optional.of(e.sessionId());
        } else if (payload instanceof DesktopAssignedToSessionEvent e) {
            return Optional.of(e.sessionId());
        } else if (payload instanceof SessionEndedEvent e) {
            return Optional.of(e.sessionId());
        } else if (payload instanceof SessionFailedEvent e) {
            return Optional.of(e.sessionId());
        }
        return Optional.empty();
    }

    private static Optional<UUID> desktopOf(Object payload) {
        if (payload instanceof DesktopAssignedToSessionEvent e) {
            return Optional.of(e.desktopId());
        } else if (payload instanceof DesktopProvisioningRequestedEvent e) {
            return Optional.of(e.desktopId());
        } else if (payload instanceof DesktopBecameReadyEvent e) {
            return Optional.of(e.desktopId());
        } else if (payload instanceof DesktopAssignedEvent e) {
            return Optional.of(e.desktopId());
        } else if (payload instanceof DesktopRecomposedEvent e) {
            return Optional.of(e.desktopId());
        } else if (payload instanceof DesktopPowerOnRequestedEvent e) {
            return Optional.of(e.desktopId());
        }
        return desktopOfEndingSpare(payload);
    }

    /** The desktop of an event that ends its time as a spare and changes nothing else here. */
    private static Optional<UUID> desktopOfEndingSpare(Object payload) {
        UUID id = null;
        if (payload instanceof DesktopRecompositionStartedEvent e) {
            id = e.desktopId();
        } else if (payload instanceof DesktopRecycledEvent e) {
            id = e.desktopId();
        } else if (payload instanceof DesktopDestroyedEvent e) {
            id = e.desktopId();
        } else if (payload instanceof DesktopFailedEvent e) {
            id = e.desktopId();
        } else if (payload instanceof DesktopLostEvent e) {
            id = e.desktopId();
        } else if (payload instanceof DesktopPoweredOffEvent e) {
            id = e.desktopId();
        }
        return Optional.ofNullable(id);
    }
}
