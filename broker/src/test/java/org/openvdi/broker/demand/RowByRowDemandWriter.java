package org.openvdi.broker.demand;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The demand writer as it was before batches: every event read and wrote its rows one statement at a time. Kept only
 * as the reference that {@link DemandWriter}'s batches must match row for row ({@code DemandBatchTest}).
 */
final class RowByRowDemandWriter {

    

    private final JdbcClient jdbc;
    private final DemandTables tables;

    RowByRowDemandWriter(JdbcClient jdbc, DemandTables tables) {
        this.jdbc = jdbc;
        this.tables = tables;
    }

    /** Writes what {@code event} changes, if anything. */
    void write(EventMessage<?> event) {
        Instant at = event.getTimestamp();
        Object payload = event.getPayload();
        if (payload instanceof SessionRequestedEvent e) {
            requested(e, at);
        } else if (payload instanceof DesktopAssignedToSessionEvent e) {
            assigned(e, at);
        } else if (payload instanceof SessionEndedEvent e) {
            ended(e.sessionId(), at);
        } else if (payload instanceof SessionFailedEvent e) {
            failed(e.sessionId(), at);
        } else if (payload instanceof DesktopProvisioningRequestedEvent e) {
            jdbc.sql("INSERT INTO " + tables.desktop()
                            + " (desktop_id, pool_id, owned, provisioning_since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                    .params(e.desktopId(), e.poolId(), e.owner() != null, utc(at)).update();
        } else if (payload instanceof DesktopBecameReadyEvent e) {
            ready(e.desktopId(), at);
        } else if (payload instanceof DesktopAssignedEvent e) {
            endSpare(e.desktopId(), at);
            if (e.claimed()) {
                jdbc.sql("UPDATE " + tables.desktop() + " SET owned = TRUE WHERE desktop_id = ?").param(e.desktopId()).update();
            }
        } else if (payload instanceof DesktopRecomposedEvent e) {
            endSpare(e.desktopId(), at);
            jdbc.sql("UPDATE " + tables.desktop() + " SET provisioning_since = ? WHERE desktop_id = ?")
                    .params(utc(at), e.desktopId()).update();
        } else if (payload instanceof DesktopPowerOnRequestedEvent e) {
            // a power-on is not a provisioning: its time to READY is not a lead time
            jdbc.sql("UPDATE " + tables.desktop() + " SET provisioning_since = NULL WHERE desktop_id = ?")
                    .param(e.desktopId()).update();
        } else if (payload instanceof DesktopRecompositionStartedEvent e) {
            endSpare(e.desktopId(), at);
        } else if (payload instanceof DesktopRecycledEvent e) {
            endSpare(e.desktopId(), at);
        } else if (payload instanceof DesktopDestroyedEvent e) {
            endSpare(e.desktopId(), at);
        } else if (payload instanceof DesktopFailedEvent e) {
            endSpare(e.desktopId(), at);
        } else if (payload instanceof DesktopLostEvent e) {
            endSpare(e.desktopId(), at);
        } else if (payload instanceof DesktopPoweredOffEvent e) {
            endSpare(e.desktopId(), at);
        }
    }

    void clear() {
        tables.all().forEach(table -> jdbc.sql("DELETE FROM " + table).update());
    }

    private void requested(SessionRequestedEvent e, Instant at) {
        int inserted = jdbc.sql("INSERT INTO " + tables.request() + " (session_id, pool_id, requested_at) VALUES (?, ?, ?)"
                        + " ON CONFLICT DO NOTHING")
                .params(e.sessionId(), e.poolId(), utc(at)).update();
        if (inserted == 1) {
            addToBucket(e.poolId(), at, "requests = b.requests + 1", 1, 0, 0, 0);
        }
    }

    private void assigned(DesktopAssignedToSessionEvent e, Instant at) {
        Optional<Request> request = request(e.sessionId());
        if (request.isEmpty() || request.get().readyAt() != null) {
            return;
        }
        Instant desktopReady = jdbc.sql("SELECT ready_at FROM " + tables.desktop() + " WHERE desktop_id = ?")
                .param(e.desktopId()).query((rs, row) -> rs.getTimestamp(1)).optional()
                .map(t -> t == null ? null : t.toInstant()).orElse(null);
        boolean warm = desktopReady != null && !desktopReady.isAfter(request.get().requestedAt());
        long waitMs = Math.max(0, Duration.between(request.get().requestedAt(), at).toMillis());
        jdbc.sql("UPDATE " + tables.request() + " SET desktop_id = ?, ready_at = ?, warm = ?, wait_ms = ? WHERE session_id = ?")
                .params(e.desktopId(), utc(at), warm, waitMs, e.sessionId()).update();
        if (warm) {
            addToBucket(request.get().poolId(), request.get().requestedAt(), "warm_hits = b.warm_hits + 1", 0, 1, 0, 0);
        } else {
            addToBucket(request.get().poolId(), request.get().requestedAt(),
                    "cold_starts = b.cold_starts + 1, cold_wait_ms = b.cold_wait_ms + " + waitMs, 0, 0, 1, waitMs);
        }
    }

    private void ended(UUID sessionId, Instant at) {
        Optional<Request> request = request(sessionId);
        if (request.isEmpty() || request.get().endedAt() != null) {
            return;
        }
        jdbc.sql("UPDATE " + tables.request() + " SET ended_at = ? WHERE session_id = ?").params(utc(at), sessionId).update();
        if (request.get().readyAt() != null) {
            spread(request.get().poolId(), request.get().readyAt(), at, "sessions", "session_ms");
        }
    }

    private void failed(UUID sessionId, Instant at) {
        Optional<Request> request = request(sessionId);
        if (request.isEmpty() || request.get().failed() || request.get().endedAt() != null) {
            return;
        }
        jdbc.sql("UPDATE " + tables.request() + " SET failed = TRUE, ended_at = ? WHERE session_id = ?")
                .params(utc(at), sessionId).update();
        addToBucket(request.get().poolId(), request.get().requestedAt(), "failed = b.failed + 1", 0, 0, 0, 0);
        if (request.get().readyAt() != null) {
            spread(request.get().poolId(), request.get().readyAt(), at, "sessions", "session_ms");
        }
    }

    private void ready(UUID desktopId, Instant at) {
        jdbc.sql("SELECT pool_id, provisioning_since FROM " + tables.desktop()
                        + " WHERE desktop_id = ? AND provisioning_since IS NOT NULL").param(desktopId)
                .query((rs, row) -> new Object[]{rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant()})
                .optional().ifPresent(provisioning -> jdbc.sql("INSERT INTO " + tables.leadTime()
                                + " (desktop_id, pool_id, requested_at, ready_at, lead_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(desktopId, provisioning[0], utc((Instant) provisioning[1]), utc(at),
                                Math.max(0, Duration.between((Instant) provisioning[1], at).toMillis()))
                        .update());
        jdbc.sql("UPDATE " + tables.desktop() + " SET provisioning_since = NULL, ready_at = ?,"
                        + " spare_since = CASE WHEN owned THEN NULL ELSE COALESCE(spare_since, ?) END WHERE desktop_id = ?")
                .params(utc(at), utc(at), desktopId).update();
    }

    private void endSpare(UUID desktopId, Instant at) {
        jdbc.sql("SELECT pool_id, spare_since FROM " + tables.desktop() + " WHERE desktop_id = ? AND spare_since IS NOT NULL")
                .param(desktopId)
                .query((rs, row) -> new Object[]{rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant()})
                .optional().ifPresent(spare -> {
                    jdbc.sql("UPDATE " + tables.desktop() + " SET spare_since = NULL WHERE desktop_id = ?").param(desktopId).update();
                    spread((UUID) spare[0], (Instant) spare[1], at, "spares", "idle_spare_ms");
                });
    }

    private record Request(UUID poolId, Instant requestedAt, Instant readyAt, Instant endedAt, boolean failed) {
    }

    private Optional<Request> request(UUID sessionId) {
        return jdbc.sql("SELECT pool_id, requested_at, ready_at, ended_at, failed FROM " + tables.request()
                        + " WHERE session_id = ?").param(sessionId)
                .query((rs, row) -> new Request(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(), rs.getBoolean(5)))
                .optional();
    }

    /** Adds counts to the bucket of {@code at}; {@code update} names the columns an existing row adds to. */
    private void addToBucket(UUID poolId, Instant at, String update, int requests, int warm, int cold, long coldWaitMs) {
        jdbc.sql("INSERT INTO " + tables.bucket() + " AS b (pool_id, bucket_start, requests, warm_hits, cold_starts, cold_wait_ms)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pool_id, bucket_start) DO UPDATE SET " + update)
                .params(poolId, utc(DemandWriter.bucketOf(at)), requests, warm, cold, coldWaitMs).update();
    }

    /**
     * Adds one interval [{@code from}, {@code to}) to every bucket it overlaps: one to {@code countColumn} and the
     * overlap in milliseconds to {@code millisColumn}.
     */
    private void spread(UUID poolId, Instant from, Instant to, String countColumn, String millisColumn) {
        if (!to.isAfter(from)) {
            return;
        }
        Instant first = DemandWriter.bucketOf(from);
        Instant last = DemandWriter.bucketOf(to.minusMillis(1));
        jdbc.sql("INSERT INTO " + tables.bucket() + " AS b (pool_id, bucket_start, " + countColumn + ", " + millisColumn + ")"
                        + " SELECT :pool, s, 1, CAST(ROUND(EXTRACT(EPOCH FROM (LEAST(s + interval '5 minutes', :to)"
                        + " - GREATEST(s, :from))) * 1000) AS BIGINT)"
                        + " FROM generate_series(CAST(:first AS timestamptz), CAST(:last AS timestamptz), interval '5 minutes') s"
                        + " ON CONFLICT (pool_id, bucket_start) DO UPDATE SET " + countColumn + " = b." + countColumn
                        + " + 1, " + millisColumn + " = b." + millisColumn + " + EXCLUDED." + millisColumn)
                .param("pool", poolId).param("from", utc(from)).param("to", utc(to))
                .param("first", utc(first)).param("last", utc(last)).update();
    }
}
