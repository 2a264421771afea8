package org.openvdi.broker.session;

import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.session.SessionQueries.HourOfDemand;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demand history for the admin and audit charts: sessions requested and peak concurrent use per hour. It lives
 * with the sessions, whose read model answers it; the audit feature sits below every other and may not ask them.
 * Spring MVC validates the parameters itself (no {@code @Validated}): out of range answers 400 VALIDATION_FAILED.
 */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "History and demand")
class DemandController {

    private final SessionQueries sessions;

    DemandController(SessionQueries sessions) {
        this.sessions = sessions;
    }

    @GetMapping("/demand")
    List<HourOfDemand> demand(@RequestParam(required = false) UUID poolId,
                              @RequestParam(defaultValue = "24") @Min(1) @Max(24 * 31) int hours) {
        return sessions.hourlyDemand(poolId, hours);
    }
}
