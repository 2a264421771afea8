package org.openvdi.broker.pool;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
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
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolSpareTargetChangedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;
import org.openvdi.broker.pool.api.RecordPoolSpareTargetCommand;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.TargetReason;

/** A pool's spare policy and its recorded spare targets. */
class DesktopPoolSparePolicyTest {

    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final Set<String> USERS = Set.of("alice");

    private static final SparePolicy.Schedule OFFICE = new SparePolicy.Schedule(ZoneId.of("Europe/Berlin"), List.of(
            new SparePolicy.Window(Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY), LocalTime.of(7, 30), LocalTime.of(9, 30), 8)),
            1);
    private static final SparePolicy.Predictive PREDICTIVE = new SparePolicy.Predictive(0.25, 2, 6, false);

    /** A pool from before spare policies: its events carry none. */
    private static final PoolCreatedEvent CREATED = new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING,
            PowerPolicy.KEEP_RUNNING, 2, 10, USERS, Set.of(), "admin");
    private static final PoolCreatedEvent CREATED_WITH_SCHEDULE = new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1,
            PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 1, 10, USERS, Set.of(), "admin", false, OFFICE);

    private FixtureConfiguration<DesktopPool> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DesktopPool.class);
    }

    private static CreatePoolCommand create(int minSpare, int maxSize, SparePolicy policy) {
        return new CreatePoolCommand(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, minSpare,
                maxSize, USERS, Set.of(), false, policy);
    }

    private static ChangePoolCommand change(Integer minSpare, Integer maxSize, SparePolicy policy) {
        return new ChangePoolCommand(POOL, null, minSpare, maxSize, null, null, null, null, policy);
    }

    private static PoolReconfiguredEvent reconfigured(int minSpare, int maxSize, SparePolicy policy) {
        return new PoolReconfiguredEvent(POOL, "Office", minSpare, maxSize, PowerPolicy.KEEP_RUNNING, "admin", policy);
    }

    @Test
    void givenNoPool_whenCreatedWithoutSparePolicy_thenItIsStaticAtMinSpare() {
        fixture.givenNoPriorActivity()
                .when(create(2, 10, null), ADMIN)
                .expectEvents(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING,
                        2, 10, USERS, Set.of(), "admin", false, new SparePolicy.Static(2)));
    }

    @Test
    void givenNoPool_whenCreatedWithASchedule_thenTheEventCarriesItAndMinSpareIsItsOtherwise() {
        fixture.givenNoPriorActivity()
                .when(create(0, 10, OFFICE), ADMIN)
                .expectEvents(CREATED_WITH_SCHEDULE);
    }

    @Test
    void givenNoPool_whenCreatedWithAPolicyWhoseBaselineExceedsMaxSize_thenRefused() {
        fixture.givenNoPriorActivity()
                .when(create(0, 3, new SparePolicy.Predictive(0, 4, 8, false)), ADMIN)
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.POOL_SIZE_INVALID));
    }

    @Test
    void givenOldPoolWithoutPolicyInItsEvents_whenMinSpareIsPatched_thenStaticAtTheNewCount() {
        fixture.given(CREATED)
                .when(change(0, null, null), ADMIN)
                .expectEvents(reconfigured(0, 10, new SparePolicy.Static(0)));
    }

    @Test
    void givenPool_whenPatchedWithAPredictivePolicy_thenReconfiguredWithItAndItsMinSpare() {
        fixture.given(CREATED)
                .when(change(null, null, PREDICTIVE), ADMIN)
                .expectEvents(reconfigured(2, 10, PREDICTIVE));
    }

    @Test
    void givenPoolWithASchedule_whenOnlyMinSpareIsPatched_thenRefusedNamingTheField() {
        fixture.given(CREATED_WITH_SCHEDULE)
                .when(change(3, null, null), ADMIN)
                .expectNoEvents()
                .expectException(rejectedWith(ErrorCode.SPARE_POLICY_INVALID));
    }

    @Test
    void givenPoolWithASchedule_whenMaxSizeIsPatched_thenItKeepsItsSchedule() {
        fixture.given(CREATED_WITH_SCHEDULE)
                .when(change(null, 5, null), ADMIN)
                .expectEvents(reconfigured(1, 5, OFFICE));
    }

    @Test
    void givenPoolWithASchedule_whenPutWithoutPolicy_thenStaticAtMinSpareAsBefore() {
        fixture.given(CREATED_WITH_SCHEDULE)
                .when(new ReconfigurePoolCommand(POOL, "Office", 3, 10, PowerPolicy.KEEP_RUNNING, USERS, Set.of()), ADMIN)
                .expectEvents(reconfigured(3, 10, new SparePolicy.Static(3)));
    }

    // --- spare targets ---

    @Test
    void givenStaticPool_whenItsOwnCountIsRecorded_thenNothingHappensForItsConfigurationIsTheRecord() {
        fixture.given(CREATED)
                .when(new RecordPoolSpareTargetCommand(POOL, 2, TargetReason.STATIC, false))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenStaticPool_whenClampedByMaxSize_thenChangedFromItsCountWithTheReason() {
        fixture.given(CREATED)
                .when(new RecordPoolSpareTargetCommand(POOL, 1, TargetReason.CLAMPED_MAX_SIZE, false))
                .expectEvents(new PoolSpareTargetChangedEvent(POOL, 2, 1, TargetReason.CLAMPED_MAX_SIZE, false));
    }

    @Test
    void givenClampedStaticPool_whenReconfiguredToAnotherCount_thenThatCountIsItsTargetWithoutAnotherEvent() {
        fixture.given(CREATED, new PoolSpareTargetChangedEvent(POOL, 2, 1, TargetReason.CLAMPED_MAX_SIZE, false),
                        reconfigured(3, 10, new SparePolicy.Static(3)))
                .when(new RecordPoolSpareTargetCommand(POOL, 3, TargetReason.STATIC, false))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenScheduledPoolWithoutTarget_whenTheFirstIsRecorded_thenChangedFromNothing() {
        fixture.given(CREATED_WITH_SCHEDULE)
                .when(new RecordPoolSpareTargetCommand(POOL, 8, TargetReason.SCHEDULE_WINDOW, false))
                .expectEvents(new PoolSpareTargetChangedEvent(POOL, null, 8, TargetReason.SCHEDULE_WINDOW, false));
    }

    @Test
    void givenPoolWithATarget_whenTheSameIsRecordedAgain_thenNothingHappens() {
        fixture.given(CREATED_WITH_SCHEDULE, new PoolSpareTargetChangedEvent(POOL, null, 8, TargetReason.SCHEDULE_WINDOW, false))
                .when(new RecordPoolSpareTargetCommand(POOL, 8, TargetReason.SCHEDULE_WINDOW, false))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenPoolWithATarget_whenADifferentOneIsRecorded_thenChangedFromTheOldToTheNew() {
        fixture.given(CREATED_WITH_SCHEDULE, new PoolSpareTargetChangedEvent(POOL, null, 1, TargetReason.SCHEDULE_OTHERWISE, false))
                .when(new RecordPoolSpareTargetCommand(POOL, 8, TargetReason.SCHEDULE_WINDOW, false))
                .expectEvents(new PoolSpareTargetChangedEvent(POOL, 1, 8, TargetReason.SCHEDULE_WINDOW, false));
    }

    @Test
    void givenPoolWithATarget_whenOnlyTheReasonChanges_thenItIsRecorded() {
        fixture.given(CREATED_WITH_SCHEDULE, new PoolSpareTargetChangedEvent(POOL, null, 8, TargetReason.SCHEDULE_WINDOW, false))
                .when(new RecordPoolSpareTargetCommand(POOL, 8, TargetReason.CLAMPED_MAX_SIZE, false))
                .expectEvents(new PoolSpareTargetChangedEvent(POOL, 8, 8, TargetReason.CLAMPED_MAX_SIZE, false));
    }

    @Test
    void givenForecastOnlyPool_whenItsWouldBeTargetIsRecorded_thenTheEventSaysForecastOnly() {
        SparePolicy.Predictive forecastOnly = new SparePolicy.Predictive(0, 1, 9, true);
        fixture.given(CREATED, reconfigured(1, 10, forecastOnly))
                .when(new RecordPoolSpareTargetCommand(POOL, 5, TargetReason.FORECAST, true))
                .expectEvents(new PoolSpareTargetChangedEvent(POOL, 2, 5, TargetReason.FORECAST, true));
    }
}
