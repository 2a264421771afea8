package org.openvdi.broker.notice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.session.SessionTimes;
import org.openvdi.broker.session.api.SessionState;
import org.openvdi.contract.SessionNotice;

/**
 * The notices of a pool's limits, worked out from a session's times at given moments: the maximum length's notices
 * one after the other, the idle warning with its countdown, the idle disconnect, and input that starts a new idle
 * period (with new notice ids, so a gateway hands them over again).
 */
class LimitNoticesTest {

    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final SessionLimits EIGHT_HOURS = new SessionLimits(null, null, null, null, null,
            Duration.ofHours(8), List.of(Duration.ofMinutes(15), Duration.ofMinutes(5)));
    private static final SessionLimits IDLE = new SessionLimits(null, null, Duration.ofMinutes(30),
            Duration.ofMinutes(2), null, null, null);

    private static SessionTimes connected(Instant lastInput) {
        return new SessionTimes(SESSION, UUID.randomUUID(), "alice", SessionState.CONNECTED, T0, T0.plusSeconds(10),
                null, lastInput);
    }

    @Test
    void givenEightHourLimit_whenMoreThanFifteenMinutesAreLeft_thenNoNotice() {
        assertThat(LimitNotices.of(connected(null), EIGHT_HOURS, T0.plus(Duration.ofHours(7)))).isEmpty();
    }

    @Test
    void givenEightHourLimit_whenFifteenMinutesAreLeft_thenTheFifteenMinuteNotice() {
        Instant now = T0.plus(Duration.ofHours(8)).minus(Duration.ofMinutes(15));

        assertThat(LimitNotices.of(connected(now), EIGHT_HOURS, now)).containsExactly(new SessionNotice(SESSION,
                "max-length/900", "This session reaches its maximum length and ends in 15 minutes. Save your work.", 900));
    }

    @Test
    void givenEightHourLimit_whenFourMinutesAreLeft_thenTheFiveMinuteNoticeOnly() {
        Instant now = T0.plus(Duration.ofHours(8)).minus(Duration.ofMinutes(4));

        assertThat(LimitNotices.of(connected(now), EIGHT_HOURS, now)).singleElement()
                .satisfies(n -> assertThat(n.id()).isEqualTo("max-length/300"))
                .satisfies(n -> assertThat(n.secondsLeft()).isEqualTo(240))
                .satisfies(n -> assertThat(n.disconnectsIdle()).isFalse());
    }

    @Test
    void givenIdleLimit_whenInputCameRecently_thenNoNotice() {
        Instant now = T0.plus(Duration.ofHours(1));

        assertThat(LimitNotices.of(connected(now.minusSeconds(60)), IDLE, now)).isEmpty();
    }

    @Test
    void givenIdleLimit_whenTheWarningTimeIsReached_thenAWarningWithTheSecondsLeft() {
        Instant lastInput = T0.plus(Duration.ofMinutes(5));
        Instant now = lastInput.plus(Duration.ofMinutes(29));

        assertThat(LimitNotices.of(connected(lastInput), IDLE, now)).containsExactly(new SessionNotice(SESSION,
                "idle/" + lastInput.toEpochMilli(),
                "No keyboard or mouse input for a while: this tab disconnects in 1 minute unless you use it.", 60));
    }

    @Test
    void givenIdleLimit_whenItIsReached_thenANoticeThatDisconnects() {
        Instant lastInput = T0.plus(Duration.ofMinutes(5));
        Instant now = lastInput.plus(Duration.ofMinutes(30));

        assertThat(LimitNotices.of(connected(lastInput), IDLE, now)).singleElement()
                .satisfies(n -> assertThat(n.idleSince()).isEqualTo(lastInput))
                .satisfies(n -> assertThat(n.id()).isEqualTo("idle-disconnect/" + lastInput.toEpochMilli()));
    }

    @Test
    void givenNoInputSinceTheConnection_whenTheIdleLimitPasses_thenItCountsFromTheConnection() {
        Instant now = T0.plusSeconds(10).plus(Duration.ofMinutes(30));

        assertThat(LimitNotices.of(connected(null), IDLE, now)).singleElement()
                .satisfies(n -> assertThat(n.idleSince()).isEqualTo(T0.plusSeconds(10)));
    }

    @Test
    void givenDisconnectedSession_whenIdleLongerThanTheLimit_thenNoIdleNotice() {
        SessionTimes disconnected = new SessionTimes(SESSION, UUID.randomUUID(), "alice", SessionState.DISCONNECTED,
                T0, T0.plusSeconds(10), T0.plusSeconds(20), null);

        assertThat(LimitNotices.of(disconnected, IDLE, T0.plus(Duration.ofHours(2)))).isEmpty();
    }

    @Test
    void givenDurations_whenWorded_thenReadable() {
        assertThat(LimitNotices.words(Duration.ofMinutes(15))).isEqualTo("15 minutes");
        assertThat(LimitNotices.words(Duration.ofSeconds(90))).isEqualTo("1 minute 30 seconds");
        assertThat(LimitNotices.words(Duration.ofSeconds(1))).isEqualTo("1 second");
    }
}
