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
import io.swagger.v3.oas.annotations.Operation;
import java.time.Instant;
import java.util.Locale;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.hypervisor.UserDiskFate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.DeletePoolCommand;
import org.openvdi.broker.pool.api.PoolState;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateUsage;
import org.openvdi.broker.template.TemplateView;
import org.openvdi.broker.web.DisplayText;
import org.openvdi.broker.web.MergePatch;
import org.openvdi.broker.web.Names;
import org.openvdi.broker.web.Refuses;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.RequestParam;
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
    private final PoolDrainProperties drain;

    PoolController(AuditedCommands commands, PoolQueries pools, TemplateQueries templates, UserDirectory users,
                   MergePatch mergePatch, ClusterLock locks, PoolDrainProperties drain) {
        this.commands = commands;
        this.drain = drain;
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
                             @Min(0) @Max(10000) Integer minSpare,
                             @Min(1) @Max(10000) int maxSize,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledUsers,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledGroups,
                             Boolean recording,
                             JsonNode sparePolicy,
                             SessionLimits sessionLimits,
                             @Size(max = HostSelector.MAX) Set<@NotNull @Pattern(regexp = HostSelector.TERM) String> hostSelector) {
    }

    /**
     * A pool's whole settings: {@code PUT} replaces them all, so every field is required except {@code recording},
     * which is off when left out, and the spare settings: {@code sparePolicy}, or else {@code minSpare} for
     * {@code STATIC(minSpare)} as before spare policies existed; {@code sessionLimits}, none when left out;
     * {@code hostSelector}, any host when left out.
     */
    record ReconfigurePoolRequest(@NotBlank @DisplayText String name,
                                  @NotNull PowerPolicy powerPolicy,
                                  @Min(0) @Max(10000) Integer minSpare,
                                  @NotNull @Min(1) @Max(10000) Integer maxSize,
                                  @NotNull @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledUsers,
                                  @NotNull @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledGroups,
                                  Boolean recording,
                                  JsonNode sparePolicy,
                                  SessionLimits sessionLimits,
                                  @Size(max = HostSelector.MAX) Set<@NotNull @Pattern(regexp = HostSelector.TERM) String> hostSelector) {
    }

    /**
     * A JSON Merge Patch (RFC 7386) of a pool's settings: a field left out stays as it is, and a field set to null
     * would remove a required setting, which is refused. The lists, the spare policy and {@code sessionLimits} are
     * replaced whole (a patch of a policy's single member would leave a mix of two kinds; a limit left out of
     * {@code sessionLimits} is no limit). {@code minSpare} alone sets the count of a STATIC policy and is refused for
     * the other kinds.
     */
    record ChangePoolRequest(@Pattern(regexp = "(?s).*\\S.*") @DisplayText String name,
                             PowerPolicy powerPolicy,
                             @Min(0) @Max(10000) Integer minSpare,
                             @Min(1) @Max(10000) Integer maxSize,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledUsers,
                             @Size(max = 1000) Set<@NotNull @Pattern(regexp = Names.PRINCIPAL) String> entitledGroups,
                             Boolean recording,
                             JsonNode sparePolicy,
                             SessionLimits sessionLimits,
                             @Size(max = HostSelector.MAX) Set<@NotNull @Pattern(regexp = HostSelector.TERM) String> hostSelector) {
    }

    /** An IANA region id ({@code Europe/Berlin}, {@code UTC}): checked before the zone is parsed, which trims. */
    private static final java.util.regex.Pattern ZONE = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9/_+-]{0,63}");

    /**
     * A spare policy from a request, read as strictly as a merge patch; null when left out. A zone id must be a plain
     * region id: the time library would trim control characters away and take the rest.
     */
    private SparePolicy sparePolicy(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "sparePolicy must be an object with a type", "sparePolicy");
        }
        JsonNode zone = node.get("zone");
        if (zone != null && (!zone.isTextual() || !ZONE.matcher(zone.textValue()).matches())) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED,
                    "Invalid value for sparePolicy.zone: a region id such as Europe/Berlin or UTC", "sparePolicy.zone");
        }
        try {
            return mergePatch.read(node, SparePolicy.class);
        } catch (BrokerException e) {
            // the member at fault within the policy (sparePolicy.safetyMargin, sparePolicy.windows[0]), or the policy
            throw new BrokerException(e.code(), "Invalid sparePolicy: " + e.getMessage(),
                    e.field() == null ? "sparePolicy" : "sparePolicy." + e.field());
        }
    }

    /**
     * The optional body of a pool's deletion.
     *
     * @param deadline  when the open sessions end: "now", an ISO-8601 duration from now or an ISO-8601 time
     * @param message   the notice shown in their desktop tabs until then
     * @param userDisks KEEP (the default) or DELETE the user disks of a persistent pool's desktops
     */
    record DeletePoolRequest(@Size(max = DrainDeadline.MAX_LENGTH) String deadline,
                             @Size(max = 500) @DisplayText String message,
                             UserDiskFate userDisks) {
    }

    @Operation(summary = "Create a pool")
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
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_VERSION_NOT_FOUND, "No version " + version, "templateVersion"));
        if (chosen.retired()) {
            throw new BrokerException(ErrorCode.TEMPLATE_VERSION_RETIRED, "Version " + version + " is retired", "templateVersion");
        }
        if (pools.nameTaken(request.name(), id)) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A pool with that name exists", "name");
        }
        SparePolicy spares = spares(sparePolicy(request.sparePolicy()), request.minSpare() != null ? request.minSpare() : 0,
                request.minSpare() != null);
        commands.send(new CreatePoolCommand(id, request.name(), template.id(), version, request.type(),
                powerPolicy(request.powerPolicy()), spares.baseline(), request.maxSize(),
                orEmpty(request.entitledUsers()), orEmpty(request.entitledGroups()), Boolean.TRUE.equals(request.recording()),
                spares, request.sessionLimits(), orEmpty(request.hostSelector())), who.getName());
    }

    @Operation(summary = "Replace every setting of a pool")
    @PutMapping("/{id}")
    PoolView reconfigure(@PathVariable UUID id, @Valid @RequestBody ReconfigurePoolRequest request, Authentication who) {
        PoolView pool = get(id, who);
        SparePolicy requested = sparePolicy(request.sparePolicy());
        if (request.minSpare() == null && requested == null) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The request has invalid fields: minSpare", "minSpare");
        }
        if (pools.nameTaken(request.name(), id)) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A pool with that name exists", "name");
        }
        SparePolicy spares = spares(requested, request.minSpare() != null ? request.minSpare() : 0,
                request.minSpare() != null);
        commands.send(new ReconfigurePoolCommand(id, request.name(), spares.baseline(), request.maxSize(),
                request.powerPolicy(), Set.copyOf(request.entitledUsers()), Set.copyOf(request.entitledGroups()),
                Boolean.TRUE.equals(request.recording()), spares, request.sessionLimits(),
                orEmpty(request.hostSelector())), who.getName());
        return pools.find(id).orElseThrow();
    }

    @Operation(summary = "Change some settings of a pool (JSON Merge Patch)")
    @PatchMapping(path = "/{id}", consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
    PoolView change(@PathVariable UUID id, @RequestBody JsonNode patch, Authentication who) {
        PoolView pool = get(id, who);
        ChangePoolRequest request = mergePatch.read(patch, ChangePoolRequest.class);
        if (request.name() != null && pools.nameTaken(request.name(), id)) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A pool with that name exists", "name");
        }
        if (patch.isEmpty()) {
            return pool;
        }
        SparePolicy requested = sparePolicy(request.sparePolicy());
        if (requested != null && request.minSpare() != null) {
            spares(requested, request.minSpare(), true);
        }
        commands.send(new ChangePoolCommand(id, request.name(), request.minSpare(), request.maxSize(),
                request.powerPolicy(), copyOrNull(request.entitledUsers()), copyOrNull(request.entitledGroups()),
                request.recording(), requested, request.sessionLimits(), copyOrNull(request.hostSelector())),
                who.getName());
        return pools.find(id).orElseThrow();
    }

    @Operation(summary = "Delete a pool: drain it, then delete it", description = """
            The pool stops taking sessions (a request answers 409 POOL_DRAINING, 410 POOL_DELETED once it is gone) and \
            gets no new spares at once; its idle desktops are destroyed; the sessions still open are shown a notice in \
            their desktop tabs and ended at the deadline. When its last desktop is gone the pool is DELETED and its name \
            is free again. The deadline (query parameter or body) is "now", an ISO-8601 duration from now (PT30M) or an \
            ISO-8601 time; without one, openvdi.pools.drain.default-deadline (15 minutes). userDisks=delete deletes the \
            user disks of a persistent pool's desktops; by default they are kept on their hosts. Asking again answers \
            the same and changes nothing (the first deadline holds). A rollout moving the pool blocks its deletion \
            (409 ROLLOUT_ACTIVE, naming it): cancel it first. Answers 202 with the draining pool, 200 once deleted.""")
    @Refuses(ErrorCode.ROLLOUT_ACTIVE)
    @DeleteMapping("/{id}")
    ResponseEntity<PoolView> delete(@PathVariable UUID id,
                                    @RequestParam(required = false) String deadline,
                                    @RequestParam(required = false) String userDisks,
                                    @Valid @RequestBody(required = false) DeletePoolRequest body,
                                    Authentication who) {
        PoolView pool = get(id, who);
        if (pool.state() == PoolState.ACTIVE) {
            Instant at = DrainDeadline.parse(deadline != null ? deadline : body == null ? null : body.deadline(),
                    Instant.now(), drain);
            UserDiskFate fate = userDisks != null ? userDiskFate(userDisks)
                    : body != null && body.userDisks() != null ? body.userDisks() : UserDiskFate.KEEP;
            String message = body == null || body.message() == null || body.message().isBlank() ? null : body.message().strip();
            commands.send(new DeletePoolCommand(id, at, message, fate), who.getName());
            pool = get(id, who);
        }
        return ResponseEntity.status(pool.state() == PoolState.DELETED ? HttpStatus.OK : HttpStatus.ACCEPTED).body(pool);
    }

    private static UserDiskFate userDiskFate(String raw) {
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "keep" -> UserDiskFate.KEEP;
            case "delete" -> UserDiskFate.DELETE;
            default -> throw new BrokerException(ErrorCode.VALIDATION_FAILED, "userDisks is keep or delete", "userDisks");
        };
    }

    /**
     * Admins and auditors see every pool with its entitlements, deleted ones last; employees the pools they may use
     * (active and draining ones), with only their own entitlements.
     */
    @Operation(summary = "List the pools the caller may see")
    @GetMapping
    List<PoolView> list(Authentication who) {
        CurrentUser user = users.current(who);
        return (user.canReadEverything() ? pools.listed() : pools.all()).stream().filter(p -> user.canReadEverything() || p.entitles(user)).map(p -> p.seenBy(user))
                .toList();
    }

    /**
     * A pool the caller is not entitled to answers 404 POOL_NOT_FOUND (admins and auditors see every pool, deleted
     * ones too; employees no deleted one).
     */
    @Operation(summary = "Get a pool")
    @GetMapping("/{id}")
    PoolView get(@PathVariable UUID id, Authentication who) {
        CurrentUser user = users.current(who);
        return pools.find(id).filter(p -> user.canReadEverything() || p.entitles(user) && p.state() != PoolState.DELETED).map(p -> p.seenBy(user))
                .orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + id));
    }

    /**
     * The spare policy a request sets: its {@code sparePolicy}, or else {@code STATIC(minSpare)}. A request with both
     * must agree: its {@code minSpare} is the policy's baseline (the STATIC count, SCHEDULE's {@code otherwise},
     * PREDICTIVE's {@code minSpare}).
     */
    private static SparePolicy spares(SparePolicy requested, int minSpare, boolean minSpareGiven) {
        if (requested == null) {
            return new SparePolicy.Static(minSpare);
        }
        if (minSpareGiven && minSpare != requested.baseline()) {
            throw new BrokerException(ErrorCode.SPARE_POLICY_INVALID, "minSpare is the spare policy's baseline ("
                    + requested.baseline() + "): leave it out or make it agree", "minSpare");
        }
        return requested;
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
