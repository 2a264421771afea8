package org.openvdi.broker.pool;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolSessionLimitsChangedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerAction;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;
import org.openvdi.broker.pool.api.SessionLimits;

/** A pool's session limits and power action for disconnected desktops: set, changed, kept, refused. */
class PoolSessionLimitsTest {

    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final SessionLimits LIMITS = new SessionLimits(PowerAction.SUSPEND, Duration.ofMinutes(15),
            Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofHours(8),
            List.of(Duration.ofMinutes(5), Duration.ofMinutes(15)));
    private static final PoolCreatedEvent CREATED = new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1,
            PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 10, Set.of("alice"), Set.of(), "admin");

    private FixtureConfiguration<DesktopPool> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DesktopPool.class);
    }

    private static CreatePoolCommand create(SessionLimits limits) {
        return new CreatePoolCommand(POOL, "Office", TEMPLATE, 1, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 10,
                Set.of("alice"), Set.of(), false, null, limits);
    }

    private static ReconfigurePoolCommand reconfigure(SessionLimits limits) {
        return new ReconfigurePoolCommand(POOL, "Office", 0, 10, PowerPolicy.KEEP_RUNNING, Set.of("alice"), Set.of(),
                false, null, limits);
    }

    private static ChangePoolCommand change(SessionLimits limits) {
        return new ChangePoolCommand(POOL, null, null, null, null, null, null, null, null, limits);
    }

    @Test
    void givenNoPool_whenCreatedWithLimits_thenPoolCreatedAndItsLimitsSet() {
        fixture.givenNoPriorActivity()
                .when(create(LIMITS), ADMIN)
                .expectEvents(CREATED, new PoolSessionLimitsChangedEvent(POOL, LIMITS, "admin"));
    }

    @Test
    void givenNoPool_whenCreatedWithoutLimits_thenOnlyPoolCreated() {
        fixture.givenNoPriorActivity()
                .when(create(null), ADMIN)
                .expectEvents(CREATED);
    }

    @Test
    void givenPool_whenReconfiguredWithLimits_thenLimitsChanged() {
        fixture.given(CREATED)
                .when(reconfigure(LIMITS), Map.of("user", "ops"))
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office", 0, 10, PowerPolicy.KEEP_RUNNING, "ops"),
                        new PoolSessionLimitsChangedEvent(POOL, LIMITS, "ops"));
    }

    @Test
    void givenPoolWithLimits_whenReconfiguredWithTheSameLimits_thenNoLimitsEvent() {
        fixture.given(CREATED, new PoolSessionLimitsChangedEvent(POOL, LIMITS, "admin"))
                .when(reconfigure(LIMITS), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office", 0, 10, PowerPolicy.KEEP_RUNNING, "admin"));
    }

    @Test
    void givenPoolWithLimits_whenReconfiguredWithoutThem_thenLimitsRemoved() {
        fixture.given(CREATED, new PoolSessionLimitsChangedEvent(POOL, LIMITS, "admin"))
                .when(reconfigure(null), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office", 0, 10, PowerPolicy.KEEP_RUNNING, "admin"),
                        new PoolSessionLimitsChangedEvent(POOL, SessionLimits.NONE, "admin"));
    }

    @Test
    void givenPoolWithLimits_whenAnotherFieldIsPatched_thenItsLimitsStay() {
        fixture.given(CREATED, new PoolSessionLimitsChangedEvent(POOL, LIMITS, "admin"))
                .when(new ChangePoolCommand(POOL, "Office 2", null, null, null, null, null, null), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office 2", 0, 10, PowerPolicy.KEEP_RUNNING, "admin"));
    }

    @Test
    void givenPool_whenLimitsPatched_thenLimitsChanged() {
        SessionLimits idleOnly = new SessionLimits(null, null, Duration.ofMinutes(20), null, null, null, null);
        fixture.given(CREATED, new PoolSessionLimitsChangedEvent(POOL, LIMITS, "admin"))
                .when(change(idleOnly), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office", 0, 10, PowerPolicy.KEEP_RUNNING, "admin"),
                        new PoolSessionLimitsChangedEvent(POOL, idleOnly, "admin"));
    }

    static Stream<SessionLimits> invalid() {
        Duration m = Duration.ofMinutes(1);
        return Stream.of(
                new SessionLimits(PowerAction.SUSPEND, null, null, null, null, null, null),
                new SessionLimits(PowerAction.NONE, m, null, null, null, null, null),
                new SessionLimits(PowerAction.SHUT_DOWN, Duration.ZERO, null, null, null, null, null),
                new SessionLimits(null, null, m.negated(), null, null, null, null),
                new SessionLimits(null, null, Duration.ofDays(32), null, null, null, null),
                new SessionLimits(null, null, null, m, null, null, null),
                new SessionLimits(null, null, m, m, null, null, null),
                new SessionLimits(null, null, null, null, null, null, List.of(m)),
                new SessionLimits(null, null, null, null, null, m, List.of(m)),
                new SessionLimits(null, null, null, null, null, Duration.ofHours(8), List.of(Duration.ofMinutes(1),
                        Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(4), Duration.ofMinutes(5),
                        Duration.ofMinutes(6))));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void givenNoPool_whenCreatedWithImpossibleLimits_thenRejected(SessionLimits limits) {
        fixture.givenNoPriorActivity()
                .when(create(limits), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_LIMITS_INVALID))
                .expectNoEvents();
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void givenPool_whenReconfiguredWithImpossibleLimits_thenRejected(SessionLimits limits) {
        fixture.given(CREATED)
                .when(reconfigure(limits), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_LIMITS_INVALID))
                .expectNoEvents();
    }
}
