package org.openvdi.broker.pool;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateUsage;
import org.openvdi.broker.template.TemplateView;
import org.openvdi.broker.web.DisplayText;
import org.openvdi.broker.web.MergePatch;
import org.openvdi.broker.web.Names;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/pools")
@Tag(name = "Pools", description = "Desktop pools, their sizes and entitlements")
class PoolController {

    private final AuditedCommands commands;
    private final PoolQueries pools;
    private final TemplateQueries templates;
    private final UserDirectory users;
    private final MergePatch mergePatch;
    private final ClusterLock locks;

    PoolController(AuditedCommands commands, PoolQueries pools, TemplateQueries templates, UserDirectory users,
                   MergePatch mergePatch, ClusterLock locks) {
        this.commands = commands;
        this.locks = locks;
        this.mergePatch = mergePatch;
        this.pools = pools;
        this.templates = templates;
        this.users = users;
    }

    record CreatePoolRequest(@NotBlank @DisplayText String name,
                             @NotNull UUID templateId,
                             @Min(1) Integer templateVersion,
                             @NotNull PoolType type,
                             PowerPolicy powerPolicy,
                             @Min(0) @Max(10000) int minSpare,
                             @Min(1) @Max(10000) int maxSize,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledUsers,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledGroups,
                             Boolean recording,
                             SessionLimits sessionLimits) {
    }

    /**
     * A pool's whole settings: {@code PUT} replaces them all, so every field is required except {@code recording},
     * which is off when left out, and {@code sessionLimits}, none when left out.
     */
    record ReconfigurePoolRequest(@NotBlank @DisplayText String name,
                                  @NotNull PowerPolicy powerPolicy,
                                  @NotNull @Min(0) @Max(10000) Integer minSpare,
                                  @NotNull @Min(1) @Max(10000) Integer maxSize,
                                  @NotNull @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledUsers,
                                  @NotNull @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledGroups,
                                  Boolean recording,
                                  SessionLimits sessionLimits) {
    }

    /**
     * A JSON Merge Patch (RFC 7386) of a pool's settings: a field left out stays as it is, and a field set to null
     * would remove a required setting, which is refused. The lists and {@code sessionLimits} are replaced whole, as
     * the RFC has it for arrays (a limit left out of {@code sessionLimits} is no limit).
     */
    record ChangePoolRequest(@Pattern(regexp = "(?s).*\\S.*") @DisplayText String name,
                             PowerPolicy powerPolicy,
                             @Min(0) @Max(10000) Integer minSpare,
                             @Min(1) @Max(10000) Integer maxSize,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledUsers,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledGroups,
                             Boolean recording,
                             SessionLimits sessionLimits) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    PoolView create(@Valid @RequestBody CreatePoolRequest request, Authentication who) {
        UUID id = UUID.randomUUID();
        // under the template's lock: a template being deleted never gets a pool
        locks.runWhenFree(TemplateUsage.lockName(request.templateId()), () -> create(id, request, who));
        return pools.find(id).orElseThrow();
    }

    private void create(UUID id, CreatePoolRequest request, Authentication who) {
        TemplateView template = templates.find(request.templateId())
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_NOT_FOUND, "No template " + request.templateId()));
        int version = request.templateVersion() != null ? request.templateVersion() : template.versions().stream()
                .filter(v -> !v.retired()).mapToInt(TemplateView.Version::version).max()
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_VERSION_NOT_FOUND, "The template has no published version"));
        TemplateView.Version chosen = templates.version(template.id(), version)
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_VERSION_NOT_FOUND, "No version " + version));
        if (chosen.retired()) {
            throw new BrokerException(ErrorCode.TEMPLATE_VERSION_RETIRED, "Version " + version + " is retired");
        }
        if (pools.nameTaken(request.name(), id)) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A pool with that name exists");
        }
        commands.send(new CreatePoolCommand(id, request.name(), template.id(), version, request.type(),
                powerPolicy(request.powerPolicy()), request.minSpare(), request.maxSize(),
                orEmpty(request.entitledUsers()), orEmpty(request.entitledGroups()), Boolean.TRUE.equals(request.recording()),
                request.sessionLimits()), who.getName());
    }

    @PutMapping("/{id}")
    PoolView reconfigure(@PathVariable UUID id, @Valid @RequestBody ReconfigurePoolRequest request, Authentication who) {
        PoolView pool = get(id, who);
        if (pools.nameTaken(request.name(), id)) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A pool with that name exists");
        }
        commands.send(new ReconfigurePoolCommand(id, request.name(), request.minSpare(), request.maxSize(),
                request.powerPolicy(), Set.copyOf(request.entitledUsers()), Set.copyOf(request.entitledGroups()),
                Boolean.TRUE.equals(request.recording()), request.sessionLimits()), who.getName());
        return pools.find(id).orElseThrow();
    }

    @PatchMapping(path = "/{id}", consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
    PoolView change(@PathVariable UUID id, @RequestBody JsonNode patch, Authentication who) {
        PoolView pool = get(id, who);
        ChangePoolRequest request = mergePatch.read(patch, ChangePoolRequest.class);
        if (request.name() != null && pools.nameTaken(request.name(), id)) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A pool with that name exists");
        }
        if (patch.isEmpty()) {
            return pool;
        }
        commands.send(new ChangePoolCommand(id, request.name(), request.minSpare(), request.maxSize(),
                request.powerPolicy(), copyOrNull(request.entitledUsers()), copyOrNull(request.entitledGroups()),
                request.recording(), request.sessionLimits()),
                who.getName());
        return pools.find(id).orElseThrow();
    }

    /** Admins and auditors see every pool with its entitlements; employees the pools they may use, with only their own. */
    @GetMapping
    List<PoolView> list(Authentication who) {
        CurrentUser user = users.current(who);
        return pools.all().stream().filter(p -> user.canReadEverything() || p.entitles(user)).map(p -> p.seenBy(user))
                .toList();
    }

    /** A pool the caller is not entitled to answers 404 POOL_NOT_FOUND (admins and auditors see every pool). */
    @GetMapping("/{id}")
    PoolView get(@PathVariable UUID id, Authentication who) {
        CurrentUser user = users.current(who);
        return pools.find(id).filter(p -> user.canReadEverything() || p.entitles(user)).map(p -> p.seenBy(user))
                .orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + id));
    }

    private static PowerPolicy powerPolicy(PowerPolicy requested) {
        return requested == null ? PowerPolicy.KEEP_RUNNING : requested;
    }

    private static Set<String> copyOrNull(Set<String> names) {
        return names == null ? null : Set.copyOf(names);
    }

    private static Set<String> orEmpty(Set<String> names) {
        return names == null ? Set.of() : Set.copyOf(names);
    }
}
