package org.openvdi.broker.auditlog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Operations", description = "Maintenance of the read models")
class AuditRebuildController {

    private final AuditReplay replay;

    AuditRebuildController(AuditReplay replay) {
        this.replay = replay;
    }

    @Operation(summary = "Rebuild the audit read models into shadow tables and compare them with the live ones",
            description = "Admins only. Answers the events replayed, the replay speed in events per second, and for "
                    + "each table the rows only the live or only the rebuilt tables have (the first 100 of each listed, "
                    + "all counted). 409 ILLEGAL_STATE while another rebuild runs. The live tables keep serving.")
    @PostMapping("/api/admin/audit/rebuild")
    AuditReplay.RebuildReport rebuild(Principal admin) {
        return replay.rebuild(admin.getName());
    }
}
