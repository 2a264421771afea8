package org.openvdi.broker.pool;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolHostSelectorChangedEvent;
import org.openvdi.broker.pool.api.PoolPlacementBlockedEvent;
import org.openvdi.broker.pool.api.PoolPlacementRestoredEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;
import org.openvdi.broker.pool.api.RecordPoolPlacementCommand;
import org.openvdi.broker.spare.SparePolicy;

/** A pool's host selector, set at creation, by PUT and by PATCH, and the pool's record of having no host to use. */
class PoolHostSelectorTest {

    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000b9");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000c9");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final Set<String> BERLIN = Set.of("site=berlin");
    private static final PoolCreatedEvent CREATED = new PoolCreatedEvent(POOL, "Berlin", TEMPLATE, 1, PoolType.PERSISTENT,
            PowerPolicy.KEEP_RUNNING, 1, 10, Set.of("alice"), Set.of(), "admin", false, new SparePolicy.Static(1));
    private static final PoolHostSelectorChangedEvent SELECTS_BERLIN = new PoolHostSelectorChangedEvent(POOL, BERLIN, "admin");
    private static final String NO_MATCH = "no host matches the selector site=berlin";

    private FixtureConfiguration<DesktopPool> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DesktopPool.class);
    }

    private static CreatePoolCommand create(Set<String> selector) {
        return new CreatePoolCommand(POOL, "Berlin", TEMPLATE, 1, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 1, 10,
                Set.of("alice"), Set.of(), false, new SparePolicy.Static(1), null, selector);
    }

    private static ReconfigurePoolCommand reconfigure(Set<String> selector) {
        return new ReconfigurePoolCommand(POOL, "Berlin", 1, 10, PowerPolicy.KEEP_RUNNING, Set.of("alice"), Set.of(),
                false, new SparePolicy.Static(1), null, selector);
    }

    @Test
    void givenNoPool_whenCreatedWithASelector_thenCreatedAndItsSelectorSetInTheSameTransaction() {
        fixture.givenNoPriorActivity()
                .when(create(BERLIN), ADMIN)
                .expectEvents(CREATED, SELECTS_BERLIN);
    }

    @Test
    void givenNoPool_whenCreatedWithoutASelector_thenOnlyCreated() {
        fixture.givenNoPriorActivity()
                .when(create(null), ADMIN)
                .expectEvents(CREATED);
    }

    @Test
    void givenNoPool_whenCreatedWithAMalformedSelector_thenRejected() {
        fixture.givenNoPriorActivity()
                .when(create(Set.of("site=berlin;reboot")), ADMIN)
                .expectException(rejectedWith(ErrorCode.VALIDATION_FAILED))
                .expectNoEvents();
    }

    @Test
    void givenPoolWithASelector_whenReconfiguredWithAnother_thenSelectorChanged() {
        fixture.given(CREATED, SELECTS_BERLIN)
                .when(reconfigure(Set.of("site=paris", "!gpu")), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Berlin", 1, 10, PowerPolicy.KEEP_RUNNING, "admin",
                                new SparePolicy.Static(1)),
                        new PoolHostSelectorChangedEvent(POOL, Set.of("!gpu", "site=paris"), "admin"));
    }

    @Test
    void givenPoolWithASelector_whenReconfiguredWithoutOne_thenItMayUseAnyHost() {
        fixture.given(CREATED, SELECTS_BERLIN)
                .when(reconfigure(null), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Berlin", 1, 10, PowerPolicy.KEEP_RUNNING, "admin",
                                new SparePolicy.Static(1)),
                        new PoolHostSelectorChangedEvent(POOL, Set.of(), "admin"));
    }

    @Test
    void givenPoolWithASelector_whenPatchedWithoutOne_thenTheSelectorStays() {
        fixture.given(CREATED, SELECTS_BERLIN)
                .when(new ChangePoolCommand(POOL, null, null, 12, null, null, null, null, null, null, null), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Berlin", 1, 12, PowerPolicy.KEEP_RUNNING, "admin",
                        new SparePolicy.Static(1)));
    }

    @Test
    void givenPool_whenPatchedWithASelector_thenSelectorChanged() {
        fixture.given(CREATED)
                .when(new ChangePoolCommand(POOL, null, null, null, null, null, null, null, null, null, BERLIN), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Berlin", 1, 10, PowerPolicy.KEEP_RUNNING, "admin",
                        new SparePolicy.Static(1)), SELECTS_BERLIN);
    }

    @Test
    void givenPoolWhoseSelectorMatchesNoHost_whenRecorded_thenPlacementBlockedWithTheReasonAndTheSelector() {
        fixture.given(CREATED, SELECTS_BERLIN)
                .when(new RecordPoolPlacementCommand(POOL, NO_MATCH))
                .expectEvents(new PoolPlacementBlockedEvent(POOL, BERLIN, NO_MATCH));
    }

    @Test
    void givenBlockedPool_whenTheSameProblemIsRecordedAgain_thenNoEvents() {
        fixture.given(CREATED, SELECTS_BERLIN, new PoolPlacementBlockedEvent(POOL, BERLIN, NO_MATCH))
                .when(new RecordPoolPlacementCommand(POOL, NO_MATCH))
                .expectNoEvents();
    }

    @Test
    void givenBlockedPool_whenAHostMatchesAgain_thenPlacementRestored() {
        fixture.given(CREATED, SELECTS_BERLIN, new PoolPlacementBlockedEvent(POOL, BERLIN, NO_MATCH))
                .when(new RecordPoolPlacementCommand(POOL, null))
                .expectEvents(new PoolPlacementRestoredEvent(POOL));
    }

    @Test
    void givenUnblockedPool_whenNoProblemIsRecorded_thenNoEvents() {
        fixture.given(CREATED)
                .when(new RecordPoolPlacementCommand(POOL, null))
                .expectNoEvents();
    }
}
