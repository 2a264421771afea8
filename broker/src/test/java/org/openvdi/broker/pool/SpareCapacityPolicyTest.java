package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.SpareCapacityPolicy.Need;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;

/** What the capacity process provisions for a pool, from the pool's current demand. */
class SpareCapacityPolicyTest {

    private static final Need SPARE = new Need(null);

    @Test
    void givenFloatingPoolWithoutDesktops_whenAsked_thenMinSpareSparesAreNeeded() {
        assertThat(needs(PoolType.FLOATING, 2, 5, new PoolDemand.Snapshot(0, 0, waiting(0), List.of())))
                .containsExactly(SPARE, SPARE);
    }

    @Test
    void givenFloatingPoolWithWaitingSessions_whenAsked_thenOneMoreSparePerSessionNotCovered() {
        assertThat(needs(PoolType.FLOATING, 1, 10, new PoolDemand.Snapshot(2, 2, waiting(3), List.of())))
                .containsExactly(SPARE, SPARE);
    }

    @Test
    void givenPoolAtMaxSize_whenSessionsWait_thenNothingIsNeeded() {
        assertThat(needs(PoolType.FLOATING, 1, 3, new PoolDemand.Snapshot(3, 0, waiting(2), List.of()))).isEmpty();
    }

    @Test
    void givenRoomForOneMore_whenTwoAreNeeded_thenOnlyOneIs() {
        assertThat(needs(PoolType.FLOATING, 2, 3, new PoolDemand.Snapshot(2, 0, waiting(0), List.of()))).containsExactly(SPARE);
    }

    @Test
    void givenPersistentPoolWithReadySpare_whenAUserWithoutDesktopWaits_thenTheUserClaimsItAndOnlyASpareIsNeeded() {
        assertThat(needs(PoolType.PERSISTENT, 1, 5, new PoolDemand.Snapshot(1, 1, waiting(1), List.of("alice"))))
                .containsExactly(SPARE);
    }

    @Test
    void givenPersistentPoolWithoutSpares_whenUsersWithoutDesktopWait_thenEachGetsADesktopInTheirName() {
        assertThat(needs(PoolType.PERSISTENT, 0, 5, new PoolDemand.Snapshot(0, 0, waiting(2), List.of("alice", "bob"))))
                .containsExactly(new Need("alice"), new Need("bob"));
    }

    @Test
    void givenPersistentPoolWithOneSpareOnItsWay_whenTwoUsersWait_thenOneDesktopIsProvisionedForTheUserItCannotServe() {
        assertThat(needs(PoolType.PERSISTENT, 1, 5, new PoolDemand.Snapshot(1, 1, waiting(2), List.of("alice", "bob"))))
                .containsExactly(new Need("bob"), SPARE);
    }

    @Test
    void givenPersistentPool_whenAUserWaitsForTheirOwnPoweredOffDesktop_thenNoSpareIsSpentOnThem() {
        assertThat(needs(PoolType.PERSISTENT, 1, 5, new PoolDemand.Snapshot(2, 1, waiting(1), List.of()))).isEmpty();
    }

    /** {@code n} sessions waiting, in the order they were requested. */
    private static List<UUID> waiting(int n) {
        return java.util.stream.Stream.generate(UUID::randomUUID).limit(n).toList();
    }

    private static List<Need> needs(PoolType type, int minSpare, int maxSize, PoolDemand.Snapshot now) {
        PoolView pool = new PoolView(UUID.randomUUID(), "pool", UUID.randomUUID(), 1, type, PowerPolicy.KEEP_RUNNING,
                minSpare, maxSize, Set.of(), Set.of(), now.occupying(), 0, 0, Instant.now(), Instant.now(), false);
        return SpareCapacityPolicy.needs(pool, now);
    }
}
