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
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.spare.SparePolicy;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Backtests of spare policies on a pool's recorded demand. A backtest is computed while the caller waits (seconds at
 * most) and not stored. At most {@value #PARALLEL} run at once on a broker; more answer 429 RATE_LIMITED at once
 * rather than queue, since each one is CPU work.
 */
@RestController
@Tag(name = "Forecast", description = "Demand forecasts and backtests of spare policies")
class BacktestController {

    static final int PARALLEL = 2;
    static final int MAX_POLICIES = 12;
    static final Duration MAX_PERIOD = Duration.ofDays(56);

    private final Backtests backtests;
    private final PoolQueries pools;
    private final Semaphore running = new Semaphore(PARALLEL);

    BacktestController(Backtests backtests, PoolQueries pools) {
        this.backtests = backtests;
        this.pools = pools;
    }

    /** A period of at most 8 weeks and 1 to {@value #MAX_POLICIES} policies. */
    record BacktestRequest(@NotNull Instant from, @NotNull Instant to,
                           @NotEmpty @Size(max = MAX_POLICIES) List<@NotNull @Valid PolicySpec> policies) {
    }

    @Operation(summary = "Replay the pool's recorded requests through spare policies and compare them",
            description = "Admins only. Body: {from, to, policies: [{type: STATIC, spares}, {type: SCHEDULE, zone, "
                    + "windows: [{days, from, to, spares}], otherwise}, {type: PREDICTIVE, safetyMargin, minSpare, "
                    + "maxSpare}]}, each with an optional label. Period at most 8 weeks, 1 to 12 policies. Per policy: "
                    + "warm-hit rate, p50/p95 wait, idle spare-hours, peak desktops, provisionings.")
    @PostMapping("/api/pools/{id}/backtests")
    BacktestReport run(@PathVariable UUID id, @Valid @RequestBody BacktestRequest request) {
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
        try {
            return backtests.run(id, pool.maxSize(), request.from(), request.to(), policies);
        } finally {
            running.release();
        }
    }
}
