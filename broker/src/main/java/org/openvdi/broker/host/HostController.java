package org.openvdi.broker.host;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.host.api.ChangeHostLabelsCommand;
import org.openvdi.broker.host.api.CordonHostCommand;
import org.openvdi.broker.host.api.HostLabels;
import org.openvdi.broker.host.api.DeleteHostCommand;
import org.openvdi.broker.host.api.DrainHostCommand;
import org.openvdi.broker.host.api.RegisterHostCommand;
import org.openvdi.broker.host.api.RequestAccelerationProbeCommand;
import org.openvdi.broker.host.api.UncordonHostCommand;
import org.openvdi.broker.hosturi.HostUriNotAllowedException;
import org.openvdi.broker.hosturi.HostUriPolicy;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.web.DisplayText;
import org.openvdi.broker.web.Refuses;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/hosts")
@Tag(name = "Hosts", description = "KVM hosts that run desktops")
class HostController {

    private final AuditedCommands commands;
    private final HostQueries hosts;
    private final HostUriPolicy uris;

    HostController(AuditedCommands commands, HostQueries hosts, HostUriPolicy uris) {
        this.commands = commands;
        this.hosts = hosts;
        this.uris = uris;
    }

    /** {@code uri} is checked by the {@link HostUriPolicy}: a refused one is answered with HOST_URI_NOT_ALLOWED. */
    record RegisterHostRequest(
            @NotBlank @DisplayText String name,
            @NotBlank String uri,
            @NotNull VirtType virtType,
            @Min(1) @Max(10000) int maxDesktops,
            @Pattern(regexp = "[A-Za-z0-9_.-]{1,50}") String storagePool,
            @Pattern(regexp = "[A-Za-z0-9.:-]{1,100}") String displayAddress,
            @Size(max = HostLabels.MAX) Set<@NotNull @Pattern(regexp = HostLabels.LABEL) String> labels) {
    }

    /** A host's whole set of labels: {@code key} or {@code key=value} (see {@link HostLabels}). */
    record LabelsRequest(@NotNull @Size(max = HostLabels.MAX) Set<@NotNull @Pattern(regexp = HostLabels.LABEL) String> labels) {
    }

    record CordonRequest(@DisplayText(max = 500) String reason) {
    }

    @Operation(summary = "Register a KVM host")
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    HostView register(@Valid @RequestBody RegisterHostRequest request, Principal principal) {
        try {
            uris.check(request.uri());
        } catch (HostUriNotAllowedException e) {
            throw new BrokerException(ErrorCode.HOST_URI_NOT_ALLOWED, e.getMessage(), "uri");
        }
        if (request.displayAddress() != null) {
            DisplayAddressCheck.refusal(request.displayAddress()).ifPresent(reason -> {
                throw new BrokerException(ErrorCode.VALIDATION_FAILED, reason, "displayAddress");
            });
        }
        if (hosts.nameTaken(request.name())) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A host with that name exists", "name");
        }
        UUID id = UUID.randomUUID();
        commands.send(new RegisterHostCommand(id, request.name(), request.uri(), request.virtType(), request.maxDesktops(),
                request.storagePool() == null ? "openvdi" : request.storagePool(),
                request.displayAddress() == null ? "127.0.0.1" : request.displayAddress(),
                request.labels() == null ? Set.of() : Set.copyOf(request.labels())), principal.getName());
        return get(id);
    }

    /**
     * Replaces the host's labels (each change is an event naming who made it). Pools whose host selector no longer
     * matches the host move their desktops away: idle floating ones are replaced elsewhere, powered-off persistent ones
     * are moved with their disks.
     */
    @Operation(summary = "Set a host's labels")
    @PutMapping("/{id}/labels")
    HostView labels(@PathVariable UUID id, @Valid @RequestBody LabelsRequest request, Principal principal) {
        get(id);
        commands.send(new ChangeHostLabelsCommand(id, Set.copyOf(request.labels())), principal.getName());
        return get(id);
    }

    @Operation(summary = "List hosts")
    @GetMapping
    List<HostView> list() {
        return hosts.all();
    }

    /** With {@code drainBlockers}: the desktops that keep the host from being drained. */
    @Operation(summary = "Get a host")
    @GetMapping("/{id}")
    HostView get(@PathVariable UUID id) {
        return hosts.findWithDrainBlockers(id).orElseThrow(() -> new BrokerException(ErrorCode.HOST_NOT_FOUND, "No host " + id));
    }

    @Operation(summary = "Cordon a host: no new desktops are placed on it")
    @PostMapping("/{id}/cordon")
    HostView cordon(@PathVariable UUID id, @Valid @RequestBody(required = false) CordonRequest request, Principal principal) {
        get(id);
        commands.send(new CordonHostCommand(id, request == null ? null : request.reason()), principal.getName());
        return get(id);
    }

    /**
     * Cordons the host and moves its idle spares to other hosts (they are recycled here and the pools
     * refill elsewhere); desktops in use finish their sessions here. Uncordon ends the drain.
     */
    @Operation(summary = "Drain a host: move its desktops away")
    @PostMapping("/{id}/drain")
    HostView drain(@PathVariable UUID id, @Valid @RequestBody(required = false) CordonRequest request, Principal principal) {
        get(id);
        commands.send(new DrainHostCommand(id, request == null ? null : request.reason()), principal.getName());
        return get(id);
    }

    /**
     * Probes again which virtualization type really runs guests on a host set to auto (409 HOST_NOT_AUTO
     * for other hosts). Answers at once; the host keeps its current type until the probe has decided.
     */
    @Operation(summary = "Probe a host's hardware acceleration again")
    @PostMapping("/{id}/probe")
    @ResponseStatus(HttpStatus.ACCEPTED)
    HostView probe(@PathVariable UUID id, Principal principal) {
        get(id);
        commands.send(new RequestAccelerationProbeCommand(id), principal.getName());
        return get(id);
    }

    /**
     * Removes a host for good: only a drained one with no desktop left on it (409 HOST_NOT_DRAINED or
     * HOST_NOT_EMPTY, naming what blocks it). Its name may then be used again.
     */
    @Operation(summary = "Delete a drained, empty host")
    @Refuses(ErrorCode.HOST_NOT_DRAINED)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable UUID id, Principal principal) {
        HostView host = get(id);
        if (host.activeDesktops() > 0) {
            throw new BrokerException(ErrorCode.HOST_NOT_EMPTY, host.activeDesktops() + " desktop"
                    + (host.activeDesktops() == 1 ? " is" : "s are") + " still on the host: "
                    + host.drainBlockers().describe());
        }
        commands.send(new DeleteHostCommand(id), principal.getName());
    }

    @Operation(summary = "Uncordon a host")
    @PostMapping("/{id}/uncordon")
    HostView uncordon(@PathVariable UUID id, Principal principal) {
        get(id);
        commands.send(new UncordonHostCommand(id), principal.getName());
        return get(id);
    }
}
