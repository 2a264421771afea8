package org.openvdi.broker.rollout;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.security.UserDirectory;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Rollouts", description = "Moving a pool to another version of its golden image")
class PoolHistoryController {

    private final EventStore events;
    private final UserDirectory users;

    PoolHistoryController(EventStore events, UserDirectory users) {
        this.events = events;
        this.users = users;
    }

    /**
     * The pool's versions and every rollout of it, with its strategy, who started, paused, resumed, cancelled or
     * rolled it back, and its outcome: from the events alone (admins and auditors).
     */
    @Operation(summary = "Get a pool's versions and rollouts over time")
    @GetMapping("/api/pools/{poolId}/history")
    PoolRolloutHistory history(@PathVariable UUID poolId, Authentication who) {
        if (!users.current(who).canReadEverything()) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "Only admins and auditors see a pool's history");
        }
        return PoolRolloutHistory.of(read(poolId), this::read)
                .orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + poolId));
    }

    private List<? extends EventMessage<?>> read(UUID aggregateId) {
        return events.readEvents(aggregateId.toString()).asStream().toList();
    }
}
