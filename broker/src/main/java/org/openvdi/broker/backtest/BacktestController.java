package org.openvdi.broker.backtest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.backtest.api.RecordBacktestCommand;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.spare.SparePolicy;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Backtests of spare policies on a pool's recorded demand. A backtest is computed while the caller waits (seconds at
 * most), then recorded (an event with its request and result) so that it can be listed and shown again. At most {@value #PARALLEL} run at once on a broker; more answer 429 RATE_LIMITED at once
 * rather than queue, since each one is CPU work.
 */
@RestController
@Tag(name = "Forecast", description = "Demand forecasts and backtests of spare policies")
class BacktestController {

    static final int PARALLEL = 2;
    static final int MAX_POLICIES = 12;
    static final Duration MAX_PERIOD = Duration.ofDays(56);

    static final int MAX_PAGE = 100;

    private final Backtests backtests;
    private final BacktestQueries recorded;
    private final PoolQueries pools;
    private final AuditedCommands commands;
    private final Semaphore running = new Semaphore(PARALLEL);

    BacktestController(Backtests backtests, BacktestQueries recorded, PoolQueries pools, AuditedCommands commands) {
        this.backtests = backtests;
        this.recorded = recorded;
        this.pools = pools;
        this.commands = commands;
    }

    /** A period of at most 8 weeks and 1 to {@value #MAX_POLICIES} policies. */
    record BacktestRequest(@NotNull Instant from, @NotNull Instant to,
                           @NotEmpty @Size(max = MAX_POLICIES) List<@NotNull @Valid PolicySpec> policies) {
    }

    @Operation(summary = "Replay the pool's recorded requests through spare policies and compare them",
            description = "Admins only. Body: {from, to, policies: [{type: STATIC, spares}, {type: SCHEDULE, zone, "
                    + "windows: [{days, from, to, spares}], otherwise}, {type: PREDICTIVE, safetyMargin, minSpare, "
                    + "maxSpare}]}, each with an optional label. Period at most 8 weeks, 1 to 12 policies. Per policy: "
                    + "warm-hit rate, p50/p95 wait, idle spare-hours, peak desktops, provisionings. The backtest is "
                    + "recorded (BacktestRecordedEvent): the answer carries its id, and GET lists it.")
    @PostMapping("/api/pools/{id}/backtests")
    BacktestReport run(@PathVariable UUID id, @Valid @RequestBody BacktestRequest request, Authentication who) {
        PoolView pool = pools.find(id).orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + id));
        if (!request.from().isBefore(request.to())) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "from must be before to");
        }
        if (Duration.between(request.from(), request.to()).compareTo(MAX_PERIOD) > 0) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The period must be at most " + MAX_PERIOD.toDays() + " days");
        }
        List<Backtests.LabelledPolicy> policies = request.policies().stream().map(spec -> {
            SparePolicy policy = spec.policy();
            return new Backtests.LabelledPolicy(spec.labelOr(policy), policy);
        }).toList();
        if (!running.tryAcquire()) {
            throw new BrokerException(ErrorCode.RATE_LIMITED, "Other backtests are running; try again in a moment");
        }
        BacktestReport report;
        try {
            report = backtests.run(pool, request.from(), request.to(), policies);
        } finally {
            running.release();
        }
        UUID backtestId = UUID.randomUUID();
        commands.send(new RecordBacktestCommand(backtestId, id, report.from(), report.to(), report.requests(),
                report.leadTimes(), report.leadTimeP50Seconds(), report.maxSize(), report.millis(),
                report.results().stream().map(PolicyResult::figures).toList()), who.getName());
        return recorded.find(id, backtestId).orElseThrow();
    }

    @Operation(summary = "The backtests run on the pool, newest first (admins and auditors)",
            description = "A page of limit (1 to 100, default 20) at a time; when more follow, a Link: <...>; "
                    + "rel=\"next\" header names the next page. Each as POST answered it.")
    @GetMapping("/api/pools/{id}/backtests")
    ResponseEntity<List<BacktestReport>> list(@PathVariable UUID id,
                                              @RequestParam(defaultValue = "20") @Min(1) @Max(MAX_PAGE) int limit,
                                              @RequestParam(required = false) Instant beforeAt,
                                              @RequestParam(required = false) UUID beforeId) {
        pools.find(id).orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + id));
        if ((beforeAt == null) != (beforeId == null)) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "beforeAt and beforeId go together", "beforeAt");
        }
        List<BacktestReport> rows = recorded.page(id, beforeAt, beforeId, limit + 1);
        if (rows.size() <= limit) {
            return ResponseEntity.ok(rows);
        }
        List<BacktestReport> page = List.copyOf(rows.subList(0, limit));
        BacktestReport last = page.get(page.size() - 1);
        String next = "/api/pools/" + id + "/backtests?limit=" + limit + "&beforeAt=" + last.requestedAt()
                + "&beforeId=" + last.id();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"").body(page);
    }

    @Operation(summary = "One backtest run on the pool, as POST answered it (admins and auditors)")
    @GetMapping("/api/pools/{id}/backtests/{backtestId}")
    BacktestReport get(@PathVariable UUID id, @PathVariable UUID backtestId) {
        pools.find(id).orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + id));
        return recorded.find(id, backtestId).orElseThrow(() -> new BrokerException(ErrorCode.BACKTEST_NOT_FOUND,
                "No backtest " + backtestId + " of pool " + id));
    }
}
