package org.openvdi.broker.spare;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Scale-in hysteresis: surplus is removed only after it lasted a whole settle time. */
class ScaleInTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final Duration SETTLE = Duration.ofMinutes(10);

    @Test
    void givenNoSurplus_whenAsked_thenNothingToRemoveAndNoClock() {
        assertThat(ScaleIn.toRemove(3, 3, T0, T0.plus(SETTLE), SETTLE)).isZero();
        assertThat(ScaleIn.surplusSince(T0, 3, 3, T0.plusSeconds(1))).isNull();
    }

    @Test
    void givenSurplus_whenShorterThanSettle_thenNothingYet() {
        assertThat(ScaleIn.toRemove(5, 2, T0, T0.plus(SETTLE).minusSeconds(1), SETTLE)).isZero();
    }

    @Test
    void givenSurplus_whenItLastedTheSettleTime_thenAllOfItIsRemoved() {
        assertThat(ScaleIn.toRemove(5, 2, T0, T0.plus(SETTLE), SETTLE)).isEqualTo(3);
    }

    @Test
    void givenSurplusStartedNow_whenObserved_thenTheClockStartsAndKeepsItsStart() {
        Instant since = ScaleIn.surplusSince(null, 5, 2, T0);
        assertThat(since).isEqualTo(T0);
        assertThat(ScaleIn.surplusSince(since, 4, 2, T0.plusSeconds(300))).isEqualTo(T0);
    }

    @Test
    void givenATargetOscillatingFasterThanTheSettleTime_whenWalked_thenNothingIsEverRemoved() {
        Instant since = null;
        int removed = 0;
        for (int minute = 0; minute < 240; minute++) {
            Instant now = T0.plus(Duration.ofMinutes(minute));
            int target = (minute / 5) % 2 == 0 ? 5 : 2; // 5 spares wanted, then 2, every five minutes
            since = ScaleIn.surplusSince(since, 5, target, now);
            removed += ScaleIn.toRemove(5, target, since, now, SETTLE);
        }
        assertThat(removed).isZero();
    }
}
