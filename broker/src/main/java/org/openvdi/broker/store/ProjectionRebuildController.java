package org.openvdi.broker.store;

import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Operations", description = "Maintenance of the read models")
class ProjectionRebuildController {

    private final ProjectionRebuild rebuild;

    ProjectionRebuildController(ProjectionRebuild rebuild) {
        this.rebuild = rebuild;
    }

    /** Rebuilds every read model from the event store (admins only). */
    @PostMapping("/api/admin/projections/rebuild")
    Map<String, Long> rebuild() {
        return Map.of("replayedEvents", rebuild.rebuild());
    }
}
