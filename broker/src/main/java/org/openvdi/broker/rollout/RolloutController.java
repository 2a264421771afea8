package org.openvdi.broker.rollout;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.pool.api.ChangePoolTemplateVersionCommand;
import org.openvdi.broker.pool.api.ClosePoolRolloutCommand;
import org.openvdi.broker.pool.api.OpenPoolRolloutCommand;
import org.openvdi.broker.rollout.api.*;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateView;
import org.openvdi.broker.web.DisplayText;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/pools/{poolId}/rollouts")
@Tag(name = "Rollouts", description = "Moving a pool to another version of its golden image")
class RolloutController {

    static final Duration MAX_SCHEDULE = Duration.ofDays(14);

    private final AuditedCommands commands;
    private final RolloutQueries rollouts;
    private final PoolQueries pools;
    private final TemplateQueries templates;
    private final UserDirectory users;
    private final RolloutSteering steering = new RolloutSteering();

    RolloutController(AuditedCommands commands, RolloutQueries rollouts, PoolQueries pools, TemplateQueries templates,
                      UserDirectory users) {
        this.commands = commands;
        this.rollouts = rollouts;
        this.pools = pools;
        this.templates = templates;
        this.users = users;
    }

    /**
     * A rollout's strategy; every field but {@code templateVersion} has a default. {@code maxUnavailable} is a count
     * (2) or a percentage ("25%"); durations are ISO-8601 ("PT15M").
     */
    record StartRolloutRequest(@NotNull @Min(1) @Max(1_000_000) Integer templateVersion,
                               UUID templateId,
                               @Min(0) @Max(10000) Integer canary,
                               Object maxUnavailable,
                               @Min(0) @Max(10000) Integer maxSurge,
                               LogoffPolicy logoff,
                               Duration deadline,
                               @DisplayText(max = 500) String notice,
                               Duration noticeBefore,
                               Duration progressDeadline,
                               @Min(1) @Max(10000) Integer failureThreshold,
                               Instant startAt) {
    }

    record PauseRequest(@DisplayText(max = 500) String reason) {
    }

    @Operation(summary = "Start a rollout of another template version")
    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    RolloutView start(@PathVariable UUID poolId, @Valid @RequestBody StartRolloutRequest request, Authentication who) {
        PoolView pool = pool(poolId);
        if (request.templateId() != null && !request.templateId().equals(pool.templateId())) {
            throw new BrokerException(ErrorCode.ROLLOUT_OTHER_TEMPLATE, "The pool is built from template " + pool.templateId(), "templateId");
        }
        TemplateView.Version version = templates.version(pool.templateId(), request.templateVersion())
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_VERSION_NOT_FOUND,
                        "The pool's template has no version " + request.templateVersion(), "templateVersion"));
        if (version.retired()) {
            throw new BrokerException(ErrorCode.TEMPLATE_VERSION_RETIRED, "Version " + version.version() + " is retired", "templateVersion");
        }
        if (version.version() == pool.templateVersion()) {
            throw new BrokerException(ErrorCode.ROLLOUT_SAME_VERSION, "The pool is on version " + version.version() + " already",
                    "templateVersion");
        }
        RolloutStrategy strategy = RolloutRequests.strategy(request);
        Instant startAt = RolloutRequests.startAt(request.startAt(), Instant.now());
        UUID rolloutId = UUID.randomUUID();
        // a finished rollout holds its pool until the process's next sweep gives it back: a new one takes over from it
        UUID finished = pools.activeRollout(poolId).filter(held -> rollouts.find(held).map(r -> !r.state().active())
                .orElse(false)).orElse(null);
        commands.send(new OpenPoolRolloutCommand(poolId, rolloutId, version.version(), finished), who.getName());
        commands.send(new StartRolloutCommand(rolloutId, poolId, pool.templateId(), pool.templateVersion(),
                version.version(), strategy, startAt, null), who.getName());
        return rollouts.find(poolId, rolloutId).orElseThrow();
    }

    @Operation(summary = "List a pool's rollouts")
    @GetMapping
    List<RolloutView> list(@PathVariable UUID poolId, Authentication who) {
        readable(who);
        pool(poolId);
        return rollouts.ofPool(poolId);
    }

    @Operation(summary = "Get a rollout")
    @GetMapping("/{rolloutId}")
    RolloutView get(@PathVariable UUID poolId, @PathVariable UUID rolloutId, Authentication who) {
        readable(who);
        return rollout(poolId, rolloutId);
    }

    @Operation(summary = "Pause a rollout")
    @PostMapping("/{rolloutId}/pause")
    RolloutView pause(@PathVariable UUID poolId, @PathVariable UUID rolloutId,
                      @Valid @RequestBody(required = false) PauseRequest request, Authentication who) {
        return steering.steer(rolloutId, () -> {
            if (rollout(poolId, rolloutId).state() != RolloutState.PAUSED) {
                commands.send(new PauseRolloutCommand(rolloutId, PauseReason.ADMIN,
                        request == null ? null : request.reason()), who.getName());
            }
            return rollout(poolId, rolloutId);
        });
    }

    @Operation(summary = "Resume a paused rollout")
    @PostMapping("/{rolloutId}/resume")
    RolloutView resume(@PathVariable UUID poolId, @PathVariable UUID rolloutId, Authentication who) {
        return steering.steer(rolloutId, () -> {
            RolloutState state = rollout(poolId, rolloutId).state();
            if (state != RolloutState.SCHEDULED && state != RolloutState.RUNNING) {
                commands.send(new ResumeRolloutCommand(rolloutId), who.getName());
            }
            return rollout(poolId, rolloutId);
        });
    }

    /**
     * Stops the rollout. Desktops already moved stay on its new version; the pool goes back to the version the
     * rollout started from, so the desktops it provisions from now on match the ones that did not move.
     */
    @Operation(summary = "Cancel a rollout")
    @PostMapping("/{rolloutId}/cancel")
    RolloutView cancel(@PathVariable UUID poolId, @PathVariable UUID rolloutId, Authentication who) {
        return steering.steer(rolloutId, () -> cancelNow(poolId, rolloutId, who));
    }

    private RolloutView cancelNow(UUID poolId, UUID rolloutId, Authentication who) {
        RolloutView rollout = rollout(poolId, rolloutId);
        if (rollout.state() != RolloutState.CANCELLED) {
            commands.send(new CancelRolloutCommand(rolloutId), who.getName());
        }
        if (pools.activeRollout(poolId).filter(rolloutId::equals).isPresent()) {
            try {
                commands.send(new ChangePoolTemplateVersionCommand(poolId, rolloutId, rollout.fromVersion()), who.getName());
                commands.send(new ClosePoolRolloutCommand(poolId, rolloutId), who.getName());
            } catch (BrokerException e) {
                // a request cancelling the same rollout at the same time released the pool first
                if (e.code() != ErrorCode.ILLEGAL_STATE) {
                    throw e;
                }
            }
        }
        return rollout(poolId, rolloutId);
    }

    /**
     * A new rollout back to the version the rolled-back one started from, with the same strategy, starting now. A
     * cancelled rollout can be rolled back too: that moves the desktops it had moved back. Only one rollback of a
     * rollout is ever started, however many requests race.
     */
    @Operation(summary = "Roll a rollout back to the version before it")
    @PostMapping("/{rolloutId}/rollback")
    @ResponseStatus(HttpStatus.ACCEPTED)
    RolloutView rollback(@PathVariable UUID poolId, @PathVariable UUID rolloutId, Authentication who) {
        return steering.steer(rolloutId, () -> rollbackNow(poolId, rolloutId, who));
    }

    private RolloutView rollbackNow(UUID poolId, UUID rolloutId, Authentication who) {
        RolloutView rollout = rollout(poolId, rolloutId);
        if (rollout.state() == RolloutState.ROLLED_BACK) {
            throw new BrokerException(ErrorCode.ROLLOUT_FINISHED, "Rollout " + rolloutId + " is " + rollout.state());
        }
        PoolView pool = pool(poolId);
        UUID back = UUID.randomUUID();
        // the pool takes the rollback only from the rollout it undoes (while that one still holds it) or when free
        commands.send(new OpenPoolRolloutCommand(poolId, back, rollout.fromVersion(), rolloutId), who.getName());
        try {
            commands.send(new RollBackRolloutCommand(rolloutId, back), who.getName());
        } catch (RuntimeException e) {
            // rolled back by another request meanwhile: give the pool back rather than hold it for nothing
            commands.send(new ClosePoolRolloutCommand(poolId, back), who.getName());
            throw e;
        }
        commands.send(new StartRolloutCommand(back, poolId, pool.templateId(), pool.templateVersion(),
                rollout.fromVersion(), rollout.strategy(), Instant.now(), rolloutId), who.getName());
        return rollouts.find(poolId, back).orElseThrow();
    }

    private void readable(Authentication who) {
        if (!users.current(who).canReadEverything()) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "Only admins and auditors see rollouts");
        }
    }

    private PoolView pool(UUID poolId) {
        return pools.find(poolId).orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + poolId));
    }

    private RolloutView rollout(UUID poolId, UUID rolloutId) {
        return rollouts.find(poolId, rolloutId)
                .orElseThrow(() -> new BrokerException(ErrorCode.ROLLOUT_NOT_FOUND, "No rollout " + rolloutId + " of pool " + poolId));
    }
}
