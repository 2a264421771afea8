package org.openvdi.broker.desktop;

import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/desktops")
@Tag(name = "Desktops", description = "Desktop VMs and their lifecycle state")
class DesktopController {

    private final DesktopQueries desktops;

    DesktopController(DesktopQueries desktops) {
        this.desktops = desktops;
    }

    @GetMapping
    List<DesktopView> list(@RequestParam(required = false) UUID poolId,
                           @RequestParam(defaultValue = "false") boolean includeDestroyed) {
        return desktops.all(poolId, includeDestroyed);
    }

    @GetMapping("/{id}")
    DesktopView get(@PathVariable UUID id) {
        return desktops.find(id).orElseThrow(() -> new BrokerException(ErrorCode.DESKTOP_NOT_FOUND, "No desktop " + id));
    }
}
