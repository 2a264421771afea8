package org.openvdi.broker.audit;

import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demand history for the admin and audit charts: sessions requested and peak concurrent use per hour.
 * Spring MVC validates the parameters itself (no {@code @Validated}): out of range answers 400 VALIDATION_FAILED.
 */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "History and demand")
class DemandController {

    private final JdbcClient jdbc;

    DemandController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One hour of history. */
    record HourOfDemand(Instant hour, int requested, int failed, int concurrent) {
    }

    @GetMapping("/demand")
    List<HourOfDemand> demand(@RequestParam(required = false) UUID poolId,
                              @RequestParam(defaultValue = "24") @Min(1) @Max(24 * 31) int hours) {
        return jdbc.sql("""
                WITH hours AS (
                  SELECT generate_series(date_trunc('hour', now()) - make_interval(hours => :hours - 1),
                                         date_trunc('hour', now()), interval '1 hour') AS hour)
                SELECT h.hour,
                  (SELECT count(*) FROM session_view s WHERE (:pool::uuid IS NULL OR s.pool_id = :pool::uuid)
                     AND s.requested_at >= h.hour AND s.requested_at < h.hour + interval '1 hour') AS requested,
                  (SELECT count(*) FROM session_view s WHERE (:pool::uuid IS NULL OR s.pool_id = :pool::uuid)
                     AND s.state = 'FAILED' AND s.requested_at >= h.hour AND s.requested_at < h.hour + interval '1 hour') AS failed,
                  (SELECT count(*) FROM session_view s WHERE (:pool::uuid IS NULL OR s.pool_id = :pool::uuid)
                     AND s.assigned_at IS NOT NULL AND s.assigned_at < h.hour + interval '1 hour'
                     AND (s.ended_at IS NULL OR s.ended_at >= h.hour)) AS concurrent
                FROM hours h ORDER BY h.hour""")
                .param("hours", hours).param("pool", poolId == null ? null : poolId.toString())
                .query((rs, row) -> new HourOfDemand(rs.getTimestamp("hour").toInstant(), rs.getInt("requested"),
                        rs.getInt("failed"), rs.getInt("concurrent")))
                .list();
    }
}
