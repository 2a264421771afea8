package org.openvdi.broker.demand;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Demand history for the admin and audit charts, from the demand projection. Spring MVC validates the parameters
 * itself: out of range answers 400 VALIDATION_FAILED.
 */
@RestController
@Tag(name = "Audit", description = "History and demand")
class DemandController {

    private final DemandQueries demand;
    private final DemandReplay replay;
    private final Clock clock = Clock.systemUTC();

    DemandController(DemandQueries demand, DemandReplay replay) {
        this.demand = demand;
        this.replay = replay;
    }

    @Operation(summary = "Demand per hour of one pool, or of all pools",
            description = "Admins and auditors. Sessions requested, failed, served warm (a READY desktop was waiting) "
                    + "and cold, the peak of sessions holding a desktop, and the idle spare-minutes, per hour.")
    @GetMapping("/api/audit/demand")
    List<HourOfDemand> demand(@RequestParam(required = false) UUID poolId,
                              @RequestParam(defaultValue = "24") @Min(1) @Max(24 * 31) int hours) {
        return demand.hourly(poolId == null ? demand.pools() : List.of(poolId), hours, clock.instant());
    }

    @Operation(summary = "Rebuild the demand history into shadow tables and compare it with the live one",
            description = "Admins only. 409 ILLEGAL_STATE while another rebuild runs. The live tables keep serving.")
    @PostMapping("/api/admin/demand/rebuild")
    DemandReplay.RebuildReport rebuild() {
        return replay.rebuild();
    }
}
