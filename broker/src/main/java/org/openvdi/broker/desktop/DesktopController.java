package org.openvdi.broker.desktop;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.AdminPowerOffDesktopCommand;
import org.openvdi.broker.desktop.api.AdminPowerOnDesktopCommand;
import org.openvdi.broker.desktop.api.AdminRecycleDesktopCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.web.Refuses;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
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
    private final AuditedCommands commands;

    DesktopController(DesktopQueries desktops, TargetVersions targets, EventStore events, AuditedCommands commands) {
        this.commands = commands;
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

    @Operation(summary = "Recycle a desktop: destroy it, and let its pool provision a fresh one", description = """
            The desktop is destroyed on its host (domain and disks, keyed by its id, under its cluster lock); a \
            floating pool's capacity process provisions a fresh spare in its place within its spare target. A desktop \
            that a session uses is refused with 409 DESKTOP_IN_USE naming the session and its user: end the session \
            first (DELETE /api/sessions/{id}, after a message to its user if they should be warned). A persistent \
            desktop is refused with 409 DESKTOP_PERSISTENT unless force=true, as its user disk goes with it (its owner \
            gets a new desktop at their next request). Asking again, or for a desktop being destroyed already, answers \
            202 and changes nothing. Answers 202 with the desktop, which is RECYCLING until its host has destroyed it.""")
    @Refuses({ErrorCode.DESKTOP_IN_USE, ErrorCode.DESKTOP_PERSISTENT})
    @PostMapping("/{id}/recycle")
    ResponseEntity<DesktopView> recycle(@PathVariable UUID id, @RequestParam(defaultValue = "false") boolean force,
                                        Authentication who) {
        return act(id, new AdminRecycleDesktopCommand(id, who.getName(), force), who);
    }

    @Operation(summary = "Power a persistent desktop off", description = """
            Shuts the VM of a persistent desktop that nobody uses down (its definition and disks stay; keyed by its id, \
            under its cluster lock); its user's next request powers it on again. Refused with 409 DESKTOP_IN_USE, \
            naming the session, while a session uses it, and with 409 ILLEGAL_STATE for an unclaimed spare (recycle it \
            instead) or a desktop that is not ready. One powered off, suspending or suspended already answers 202 and \
            stays as it is. Answers 202 with the desktop, POWERED_OFF.""")
    @Refuses({ErrorCode.DESKTOP_IN_USE, ErrorCode.ILLEGAL_STATE})
    @PostMapping("/{id}/power-off")
    ResponseEntity<DesktopView> powerOff(@PathVariable UUID id, Authentication who) {
        return act(id, new AdminPowerOffDesktopCommand(id, who.getName()), who);
    }

    @Operation(summary = "Power a persistent desktop on", description = """
            Powers a powered-off persistent desktop on, or resumes a suspended one, before its user asks for it \
            (keyed by its id, under its cluster lock); it is READY again once its display answers. A desktop that is \
            on or powering on already answers 202 and stays as it is; one being destroyed, failed or lost answers 409 \
            ILLEGAL_STATE. Answers 202 with the desktop.""")
    @Refuses(ErrorCode.ILLEGAL_STATE)
    @PostMapping("/{id}/power-on")
    ResponseEntity<DesktopView> powerOn(@PathVariable UUID id, Authentication who) {
        return act(id, new AdminPowerOnDesktopCommand(id, who.getName()), who);
    }

    private ResponseEntity<DesktopView> act(UUID id, Object command, Authentication who) {
        get(id);
        commands.send(command, who.getName());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(get(id));
    }
}
