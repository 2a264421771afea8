package org.openvdi.broker.pool;

import static org.hamcrest.Matchers.containsString;
import static org.openvdi.broker.Rejections.rejectedWith;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.api.ChangePoolCommand;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.DeletePoolCommand;
import org.openvdi.broker.pool.api.PoolDeletedEvent;
import org.openvdi.broker.pool.api.PoolDrainStartedEvent;
import org.openvdi.broker.pool.api.RecordPoolDeletedCommand;
import org.openvdi.broker.hypervisor.UserDiskFate;
import java.time.Instant;
import org.openvdi.broker.pool.api.EntitlementGrantedEvent;
import org.openvdi.broker.pool.api.EntitlementRevokedEvent;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolRecordingChangedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.ReconfigurePoolCommand;

class DesktopPoolTest {

    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID TEMPLATE = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final String USER = "USER";
    private static final String GROUP = "GROUP";

    private static final PoolCreatedEvent CREATED = new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING,
            PowerPolicy.KEEP_RUNNING, 2, 10, Set.of("alice", "bob"), Set.of("staff"), "admin");

    private FixtureConfiguration<DesktopPool> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DesktopPool.class);
    }

    private static CreatePoolCommand create(int minSpare, int maxSize) {
        return new CreatePoolCommand(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, minSpare,
                maxSize, Set.of("alice", "bob"), Set.of("staff"));
    }

    private static ReconfigurePoolCommand reconfigure(Set<String> users, Set<String> groups) {
        return new ReconfigurePoolCommand(POOL, "Office", 2, 10, PowerPolicy.KEEP_RUNNING, users, groups);
    }

    private static PoolReconfiguredEvent reconfigured(String by) {
        return new PoolReconfiguredEvent(POOL, "Office", 2, 10, PowerPolicy.KEEP_RUNNING, by);
    }

    // --- recording ---

    @Test
    void givenNoPool_whenCreatedRecording_thenPoolCreatedThatRecords() {
        fixture.givenNoPriorActivity()
                .when(new CreatePoolCommand(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 2,
                        10, Set.of("alice", "bob"), Set.of("staff"), true), ADMIN)
                .expectEvents(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING,
                        PowerPolicy.KEEP_RUNNING, 2, 10, Set.of("alice", "bob"), Set.of("staff"), "admin", true));
    }

    @Test
    void givenPoolThatDoesNotRecord_whenPatchedToRecord_thenRecordingChangedByTheAdminAndNothingElse() {
        fixture.given(CREATED)
                .when(new ChangePoolCommand(POOL, null, null, null, null, null, null, true), ADMIN)
                .expectEvents(reconfigured("admin"), new PoolRecordingChangedEvent(POOL, true, "admin"));
    }

    @Test
    void givenPoolThatRecords_whenPatchedWithoutRecording_thenItKeepsRecording() {
        fixture.given(CREATED, new PoolRecordingChangedEvent(POOL, true, "admin"))
                .when(new ChangePoolCommand(POOL, null, 2, null, null, null, null), ADMIN)
                .expectEvents(reconfigured("admin"));
    }

    @Test
    void givenPoolThatRecords_whenReplacedWithoutRecording_thenRecordingOff() {
        fixture.given(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 2,
                        10, Set.of("alice", "bob"), Set.of("staff"), "admin", true))
                .when(reconfigure(Set.of("alice", "bob"), Set.of("staff")), Map.of("user", "ops"))
                .expectEvents(reconfigured("ops"), new PoolRecordingChangedEvent(POOL, false, "ops"));
    }

    @Test
    void givenPoolThatRecords_whenReplacedStillRecording_thenNoRecordingEvent() {
        fixture.given(CREATED, new PoolRecordingChangedEvent(POOL, true, "admin"))
                .when(new ReconfigurePoolCommand(POOL, "Office", 2, 10, PowerPolicy.KEEP_RUNNING, Set.of("alice", "bob"),
                        Set.of("staff"), true), ADMIN)
                .expectEvents(reconfigured("admin"));
    }

    // --- create ---

    @Test
    void givenNoPool_whenCreated_thenPoolCreatedWithEntitlementsByTheActingUser() {
        fixture.givenNoPriorActivity()
                .when(create(2, 10), ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectEvents(CREATED);
    }

    @Test
    void givenNoPool_whenPersistentPoolCreated_thenPoolCreatedWithTypeAndPowerPolicy() {
        fixture.givenNoPriorActivity()
                .when(new CreatePoolCommand(POOL, "Developers", TEMPLATE, 3, PoolType.PERSISTENT,
                        PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 5, Set.of(), Set.of("dev")), Map.of("user", "ops"))
                .expectEvents(new PoolCreatedEvent(POOL, "Developers", TEMPLATE, 3, PoolType.PERSISTENT,
                        PowerPolicy.POWER_OFF_AT_LOGOFF, 0, 5, Set.of(), Set.of("dev"), "ops"));
    }

    @ParameterizedTest(name = "minSpare {0}, maxSize {1}")
    @CsvSource({"0, 1", "1, 1", "10, 10", "0, 10000"})
    void givenNoPool_whenCreatedWithValidSizes_thenPoolCreated(int minSpare, int maxSize) {
        fixture.givenNoPriorActivity()
                .when(create(minSpare, maxSize), ADMIN)
                .expectEvents(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING,
                        minSpare, maxSize, Set.of("alice", "bob"), Set.of("staff"), "admin"));
    }

    @ParameterizedTest(name = "minSpare {0}, maxSize {1}")
    @CsvSource({
            "11, 10", // more spares than the pool may hold
            "2, 1",
            "-1, 10", // negative spares
            "0, 0",   // an empty pool
            "0, -1",  // negative size
            "-5, -10"})
    void givenNoPool_whenCreatedWithInvalidSizes_thenPoolSizeInvalid(int minSpare, int maxSize) {
        fixture.givenNoPriorActivity()
                .when(create(minSpare, maxSize), ADMIN)
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.POOL_SIZE_INVALID))
                .expectExceptionMessage(containsString("minSpare " + minSpare + ", maxSize " + maxSize))
                .expectNoEvents();
    }

    // --- reconfigure: sizes and power policy ---

    @Test
    void givenPool_whenReconfiguredWithSameEntitlements_thenOnlyPoolReconfigured() {
        fixture.given(CREATED)
                .when(new ReconfigurePoolCommand(POOL, "Office 2", 4, 20, PowerPolicy.POWER_OFF_AT_LOGOFF,
                        Set.of("bob", "alice"), Set.of("staff")), Map.of("user", "ops"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office 2", 4, 20, PowerPolicy.POWER_OFF_AT_LOGOFF, "ops"));
    }

    @Test
    void givenPool_whenReconfiguredWithoutAnyChange_thenPoolReconfiguredIsStillRecorded() {
        fixture.given(CREATED)
                .when(reconfigure(Set.of("alice", "bob"), Set.of("staff")), ADMIN)
                .expectEvents(reconfigured("admin"));
    }

    @ParameterizedTest(name = "minSpare {0}, maxSize {1}")
    @CsvSource({"11, 10", "-1, 10", "0, 0", "0, -3"})
    void givenPool_whenReconfiguredWithInvalidSizes_thenPoolSizeInvalid(int minSpare, int maxSize) {
        fixture.given(CREATED)
                .when(new ReconfigurePoolCommand(POOL, "Office", minSpare, maxSize, PowerPolicy.KEEP_RUNNING,
                        Set.of("carol"), Set.of()), ADMIN)
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.POOL_SIZE_INVALID))
                .expectNoEvents();
    }

    @Test
    void givenPool_whenReconfiguredWithMinSpareEqualToMaxSize_thenPoolReconfigured() {
        fixture.given(CREATED)
                .when(new ReconfigurePoolCommand(POOL, "Office", 10, 10, PowerPolicy.KEEP_RUNNING,
                        Set.of("alice", "bob"), Set.of("staff")), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office", 10, 10, PowerPolicy.KEEP_RUNNING, "admin"));
    }

    // --- change (merge patch): only the named fields, merged into the pool's own state ---

    @Test
    void givenPool_whenOnlyMinSpareChanged_thenEverythingElseStaysAsThePoolHasIt() {
        fixture.given(CREATED)
                .when(new ChangePoolCommand(POOL, null, 5, null, null, null, null), Map.of("user", "ops"))
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office", 5, 10, PowerPolicy.KEEP_RUNNING, "ops"));
    }

    @Test
    void givenPoolReconfiguredEarlier_whenOnlyNameChanged_thenTheEarlierSizesAndPolicyAreKept() {
        fixture.given(CREATED, new PoolReconfiguredEvent(POOL, "Office", 3, 7, PowerPolicy.POWER_OFF_AT_LOGOFF, "admin"))
                .when(new ChangePoolCommand(POOL, "Office 2", null, null, null, null, null), ADMIN)
                .expectEvents(new PoolReconfiguredEvent(POOL, "Office 2", 3, 7, PowerPolicy.POWER_OFF_AT_LOGOFF, "admin"));
    }

    @Test
    void givenPool_whenOnlyGroupsChanged_thenUserEntitlementsAreKept() {
        fixture.given(CREATED)
                .when(new ChangePoolCommand(POOL, null, null, null, null, null, Set.of("staff", "interns")), ADMIN)
                .expectEvents(reconfigured("admin"), new EntitlementGrantedEvent(POOL, GROUP, "interns", "admin"));
    }

    @Test
    void givenPool_whenMaxSizeChangedBelowItsMinSpare_thenPoolSizeInvalidAndNoEvents() {
        fixture.given(CREATED)
                .when(new ChangePoolCommand(POOL, null, null, 1, null, null, null), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_SIZE_INVALID))
                .expectExceptionMessage(containsString("minSpare 2, maxSize 1"))
                .expectNoEvents();
    }

    // --- reconfigure: entitlements ---

    @Test
    void givenPool_whenReconfiguredWithChangedEntitlements_thenGrantsThenRevocationsInSortedOrder() {
        fixture.given(CREATED)
                .when(reconfigure(Set.of("zoe", "alice", "dave", "carol"), Set.of("contractors", "admins")), ADMIN)
                .expectEvents(
                        reconfigured("admin"),
                        new EntitlementGrantedEvent(POOL, USER, "carol", "admin"),
                        new EntitlementGrantedEvent(POOL, USER, "dave", "admin"),
                        new EntitlementGrantedEvent(POOL, USER, "zoe", "admin"),
                        new EntitlementRevokedEvent(POOL, USER, "bob", "admin"),
                        new EntitlementGrantedEvent(POOL, GROUP, "admins", "admin"),
                        new EntitlementGrantedEvent(POOL, GROUP, "contractors", "admin"),
                        new EntitlementRevokedEvent(POOL, GROUP, "staff", "admin"));
    }

    @Test
    void givenPool_whenAllEntitlementsRemoved_thenEveryoneRevokedInSortedOrder() {
        fixture.given(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 2, 10,
                        Set.of("mallory", "alice", "trent", "bob"), Set.of("staff", "interns"), "admin"))
                .when(reconfigure(Set.of(), Set.of()), ADMIN)
                .expectEvents(
                        reconfigured("admin"),
                        new EntitlementRevokedEvent(POOL, USER, "alice", "admin"),
                        new EntitlementRevokedEvent(POOL, USER, "bob", "admin"),
                        new EntitlementRevokedEvent(POOL, USER, "mallory", "admin"),
                        new EntitlementRevokedEvent(POOL, USER, "trent", "admin"),
                        new EntitlementRevokedEvent(POOL, GROUP, "interns", "admin"),
                        new EntitlementRevokedEvent(POOL, GROUP, "staff", "admin"));
    }

    @Test
    void givenPoolWithoutEntitlements_whenEntitlementsAdded_thenGrantedInSortedOrder() {
        fixture.given(new PoolCreatedEvent(POOL, "Office", TEMPLATE, 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING, 2, 10,
                        Set.of(), Set.of(), "admin"))
                .when(reconfigure(Set.of("bob", "Alice", "alice"), Set.of("staff")), Map.of("user", "ops"))
                .expectEvents(
                        reconfigured("ops"),
                        new EntitlementGrantedEvent(POOL, USER, "Alice", "ops"),
                        new EntitlementGrantedEvent(POOL, USER, "alice", "ops"),
                        new EntitlementGrantedEvent(POOL, USER, "bob", "ops"),
                        new EntitlementGrantedEvent(POOL, GROUP, "staff", "ops"));
    }

    @Test
    void givenPool_whenUserIsMovedToGroups_thenUserAndGroupEntitlementsAreTrackedSeparately() {
        fixture.given(CREATED)
                .when(reconfigure(Set.of("bob"), Set.of("staff", "alice")), ADMIN)
                .expectEvents(
                        reconfigured("admin"),
                        new EntitlementRevokedEvent(POOL, USER, "alice", "admin"),
                        new EntitlementGrantedEvent(POOL, GROUP, "alice", "admin"));
    }

    @Test
    void givenEntitlementsChangedByEarlierReconfiguration_whenReconfiguredWithSameSet_thenNoEntitlementEvents() {
        fixture.given(CREATED,
                        reconfigured("admin"),
                        new EntitlementGrantedEvent(POOL, USER, "carol", "admin"),
                        new EntitlementRevokedEvent(POOL, USER, "bob", "admin"),
                        new EntitlementGrantedEvent(POOL, GROUP, "admins", "admin"),
                        new EntitlementRevokedEvent(POOL, GROUP, "staff", "admin"))
                .when(reconfigure(Set.of("alice", "carol"), Set.of("admins")), ADMIN)
                .expectEvents(reconfigured("admin"));
    }

    @Test
    void givenRevokedEntitlement_whenGrantedAgain_thenEntitlementGranted() {
        fixture.given(CREATED,
                        reconfigured("admin"),
                        new EntitlementRevokedEvent(POOL, USER, "bob", "admin"))
                .when(reconfigure(Set.of("alice", "bob"), Set.of("staff")), Map.of("user", "ops"))
                .expectEvents(
                        reconfigured("ops"),
                        new EntitlementGrantedEvent(POOL, USER, "bob", "ops"));
    }

    @Test
    void givenPool_whenReconfiguredWithInvalidSizesAndNewEntitlements_thenNothingIsGranted() {
        fixture.given(CREATED)
                .when(new ReconfigurePoolCommand(POOL, "Office", 5, 4, PowerPolicy.KEEP_RUNNING,
                        Set.of("carol"), Set.of("admins")), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_SIZE_INVALID))
                .expectNoEvents();
    }

    // --- rollouts ---

    private static final UUID ROLLOUT = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final UUID OTHER_ROLLOUT = UUID.fromString("00000000-0000-0000-0000-0000000000e2");
    private static final org.openvdi.broker.pool.api.PoolRolloutOpenedEvent OPENED =
            new org.openvdi.broker.pool.api.PoolRolloutOpenedEvent(POOL, ROLLOUT, 1, 2, null, "admin");

    @Test
    void givenPoolWithoutRollout_whenARolloutOpens_thenTheRolloutHoldsThePool() {
        fixture.given(CREATED).when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, ROLLOUT, 2, null), ADMIN)
                .expectEvents(OPENED);
    }

    @Test
    void givenPoolWithARollout_whenAnotherOpens_thenRefusedAsActive() {
        fixture.given(CREATED, OPENED).when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, OTHER_ROLLOUT, 3, null), ADMIN)
                .expectException(rejectedWith(ErrorCode.ROLLOUT_ACTIVE)).expectNoEvents();
    }

    @Test
    void givenPoolWithARollout_whenTheSameOpensAgain_thenNothingHappens() {
        fixture.given(CREATED, OPENED).when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, ROLLOUT, 2, null), ADMIN)
                .expectNoEvents();
    }

    @Test
    void givenPool_whenARolloutToItsOwnVersionOpens_thenRefused() {
        fixture.given(CREATED).when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, ROLLOUT, 1, null), ADMIN)
                .expectException(rejectedWith(ErrorCode.ROLLOUT_SAME_VERSION)).expectNoEvents();
    }

    @Test
    void givenPoolWithARollout_whenItsRollbackOpens_thenTheRollbackTakesThePoolOver() {
        fixture.given(CREATED, OPENED)
                .when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, OTHER_ROLLOUT, 1, ROLLOUT), ADMIN)
                .expectEvents(new org.openvdi.broker.pool.api.PoolRolloutClosedEvent(POOL, ROLLOUT),
                        new org.openvdi.broker.pool.api.PoolRolloutOpenedEvent(POOL, OTHER_ROLLOUT, 1, 1, ROLLOUT, "admin"));
    }

    @Test
    void givenPoolWithARollout_whenItsRolloutChangesTheVersion_thenChanged() {
        fixture.given(CREATED, OPENED).when(new org.openvdi.broker.pool.api.ChangePoolTemplateVersionCommand(POOL, ROLLOUT, 2))
                .expectEvents(new org.openvdi.broker.pool.api.PoolTemplateVersionChangedEvent(POOL, ROLLOUT, 1, 2));
    }

    @Test
    void givenPool_whenAnythingButItsRolloutChangesTheVersion_thenRefused() {
        fixture.given(CREATED).when(new org.openvdi.broker.pool.api.ChangePoolTemplateVersionCommand(POOL, ROLLOUT, 2))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE)).expectNoEvents();
    }

    @Test
    void givenPoolWithARollout_whenItCloses_thenClosedOnceAndAnotherMayOpen() {
        org.openvdi.broker.pool.api.PoolRolloutClosedEvent closed = new org.openvdi.broker.pool.api.PoolRolloutClosedEvent(POOL, ROLLOUT);
        fixture.given(CREATED, OPENED).when(new org.openvdi.broker.pool.api.ClosePoolRolloutCommand(POOL, ROLLOUT))
                .expectEvents(closed);
        fixture.given(CREATED, OPENED, closed).when(new org.openvdi.broker.pool.api.ClosePoolRolloutCommand(POOL, ROLLOUT))
                .expectNoEvents();
        fixture.given(CREATED, OPENED, closed)
                .when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, OTHER_ROLLOUT, 3, null), ADMIN)
                .expectEvents(new org.openvdi.broker.pool.api.PoolRolloutOpenedEvent(POOL, OTHER_ROLLOUT, 1, 3, null, "admin"));
    }

    // --- deletion: drain, then deleted ---

    private static final Instant DEADLINE = Instant.parse("2026-12-01T18:00:00Z");
    private static final PoolDrainStartedEvent DRAINING = new PoolDrainStartedEvent(POOL, "Office", DEADLINE,
            "Save your work", UserDiskFate.KEEP, "admin");
    private static final DeletePoolCommand DELETE = new DeletePoolCommand(POOL, DEADLINE, "Save your work", UserDiskFate.KEEP);

    @Test
    void givenPool_whenDeleted_thenItDrainsWithTheDeadlineNoticeAndUserDiskFateByTheAdmin() {
        fixture.given(CREATED).when(DELETE, ADMIN).expectEvents(DRAINING);
    }

    @Test
    void givenDrainingPool_whenDeletedAgainWithAnotherDeadline_thenNothingChangesAndTheFirstDeadlineHolds() {
        fixture.given(CREATED, DRAINING)
                .when(new DeletePoolCommand(POOL, DEADLINE.plusSeconds(600), null, UserDiskFate.DELETE), ADMIN)
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void givenDeletedPool_whenDeletedAgain_thenNothingHappens() {
        fixture.given(CREATED, DRAINING, new PoolDeletedEvent(POOL, "Office")).when(DELETE, ADMIN)
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void givenPoolWithARollout_whenDeleted_thenRefusedNamingTheRolloutAndNoEvents() {
        fixture.given(CREATED, OPENED).when(DELETE, ADMIN)
                .expectException(rejectedWith(ErrorCode.ROLLOUT_ACTIVE))
                .expectExceptionMessage(containsString(ROLLOUT.toString()))
                .expectNoEvents();
    }

    @Test
    void givenPoolWhoseRolloutClosed_whenDeleted_thenItDrains() {
        fixture.given(CREATED, OPENED, new org.openvdi.broker.pool.api.PoolRolloutClosedEvent(POOL, ROLLOUT))
                .when(DELETE, ADMIN).expectEvents(DRAINING);
    }

    @Test
    void givenDrainingPool_whenItsDeletionIsRecorded_thenDeleted() {
        fixture.given(CREATED, DRAINING).when(new RecordPoolDeletedCommand(POOL))
                .expectEvents(new PoolDeletedEvent(POOL, "Office"));
    }

    @Test
    void givenDeletedPool_whenItsDeletionIsRecordedAgain_thenNothingHappens() {
        fixture.given(CREATED, DRAINING, new PoolDeletedEvent(POOL, "Office")).when(new RecordPoolDeletedCommand(POOL))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void givenActivePool_whenItsDeletionIsRecorded_thenRefusedAsIllegalState() {
        fixture.given(CREATED).when(new RecordPoolDeletedCommand(POOL))
                .expectException(rejectedWith(ErrorCode.ILLEGAL_STATE)).expectNoEvents();
    }

    @Test
    void givenDrainingPool_whenReconfigured_thenRefusedAsDraining() {
        fixture.given(CREATED, DRAINING).when(reconfigure(Set.of("alice"), Set.of()), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_DRAINING)).expectNoEvents();
    }

    @Test
    void givenDeletedPool_whenPatched_thenRefusedAsDeleted() {
        fixture.given(CREATED, DRAINING, new PoolDeletedEvent(POOL, "Office"))
                .when(new ChangePoolCommand(POOL, null, 3, null, null, null, null), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_DELETED)).expectNoEvents();
    }

    @Test
    void givenDrainingPool_whenARolloutOpens_thenRefusedAsDraining() {
        fixture.given(CREATED, DRAINING)
                .when(new org.openvdi.broker.pool.api.OpenPoolRolloutCommand(POOL, ROLLOUT, 2, null), ADMIN)
                .expectException(rejectedWith(ErrorCode.POOL_DRAINING)).expectNoEvents();
    }
}
