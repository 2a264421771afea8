package org.openvdi.broker.desktop;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
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
    private final TargetVersions targets;
    private final EventStore events;

    DesktopController(DesktopQueries desktops, TargetVersions targets, EventStore events) {
        this.desktops = desktops;
        this.targets = targets;
        this.events = events;
    }

    /**
     * A desktop with the version it runs ({@code templateVersion}) and the one a rollout of its pool is moving it to
     * ({@code targetVersion}: its own version when no rollout is active).
     */
    record DesktopListing(@JsonUnwrapped DesktopView desktop, int targetVersion) {
    }

    @Operation(summary = "List desktops, optionally of one pool")
    @GetMapping
    List<DesktopListing> list(@RequestParam(required = false) UUID poolId,
                              @RequestParam(defaultValue = "false") boolean includeDestroyed) {
        Map<UUID, Integer> byPool = targets.byPool();
        return desktops.all(poolId, includeDestroyed).stream()
                .map(d -> new DesktopListing(d, byPool.getOrDefault(d.poolId(), d.templateVersion()))).toList();
    }

    /**
     * Which template version the desktop ran, from when to when: its first version, then each one a rollout recomposed
     * it onto. Built from the desktop's events alone, so it answers for destroyed desktops too.
     */
    @Operation(summary = "Get the image versions a desktop ran")
    @GetMapping("/{id}/history")
    DesktopVersionHistory history(@PathVariable UUID id) {
        List<? extends EventMessage<?>> stream = events.readEvents(id.toString()).asStream().toList();
        return DesktopVersionHistory.of(stream)
                .orElseThrow(() -> new BrokerException(ErrorCode.DESKTOP_NOT_FOUND, "No desktop " + id));
    }

    @Operation(summary = "Get a desktop")
    @GetMapping("/{id}")
    DesktopView get(@PathVariable UUID id) {
        return desktops.find(id).orElseThrow(() -> new BrokerException(ErrorCode.DESKTOP_NOT_FOUND, "No desktop " + id));
    }
}
