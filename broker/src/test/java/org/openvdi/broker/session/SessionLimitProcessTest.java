package org.openvdi.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.pool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.api.PoolSessionLimitsChangedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerAction;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.SessionLimits;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionConnectedEvent;
import org.openvdi.broker.session.api.SessionDisconnectedEvent;
import org.openvdi.broker.session.api.SessionEndCause;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The session limit process driven directly on the real read models, with a clock the test moves: a session never
 * opened is ended after the unopened timeout (the pool's or the default), one that reached its pool's maximum
 * length is ended, and a persistent desktop's user who stayed disconnected for the pool's {@code afterDisconnected}
 * has the session ended with the cause that makes the recycler suspend or shut the desktop down. Each just before
 * its limit is left alone.
 */
class SessionLimitProcessTest {

    private static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    private static final String ALICE = "alice";
    private static final Duration DEFAULT_UNOPENED = Duration.ofMinutes(15);
    private static final MovableClock CLOCK = new MovableClock();
    private static ProcessHarness harness;
    private static SessionLimitProcess process;

    private final UUID pool = UUID.randomUUID();
    private final UUID session = UUID.randomUUID();
    private final UUID desktop = UUID.randomUUID();
    private RecordedCommands commands;

    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        private volatile Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(Map.of(SessionLimitProperties.class,
                new SessionLimitProperties(DEFAULT_UNOPENED, Duration.ofSeconds(5)), Clock.class, CLOCK),
                SessionLimitProcess.class);
        process = harness.bean(SessionLimitProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        commands = harness.reset().accept(EndSessionCommand.class);
        CLOCK.now = T0;
    }

    private void poolWith(PoolType type, SessionLimits limits) {
        harness.givenAt(T0.minusSeconds(3600), pool(pool, type, PowerPolicy.KEEP_RUNNING, 0, 5, ALICE));
        harness.givenAt(T0.minusSeconds(3600), new PoolSessionLimitsChangedEvent(pool, limits, "admin"));
    }

    private void assignedAt(Instant at) {
        harness.givenAt(at.minusSeconds(5), new SessionRequestedEvent(session, pool, ALICE));
        harness.givenAt(at, new DesktopAssignedToSessionEvent(session, desktop, ALICE));
    }

    private void connectedAt(Instant at) {
        harness.givenAt(at, new SessionConnectedEvent(session, desktop, ALICE, "gateway-1", "192.0.2.7", at, 1));
    }

    private void disconnectedAt(Instant at) {
        harness.givenAt(at, new SessionDisconnectedEvent(session, desktop, ALICE, "gateway-1", "BROWSER_CLOSED",
                60_000, 1_000, 100, at, 0));
    }

    private void checkAt(Instant at) {
        CLOCK.now = at;
        process.check();
    }

    private List<EndSessionCommand> ends() {
        return commands.sent(EndSessionCommand.class);
    }

    // --- never opened ---

    @Test
    void givenSessionNeverOpened_whenTheDefaultUnopenedTimeoutPasses_thenItEndsAsNeverOpened() {
        poolWith(PoolType.FLOATING, SessionLimits.NONE);
        assignedAt(T0);

        checkAt(T0.plus(DEFAULT_UNOPENED).minusSeconds(1));
        assertThat(ends()).isEmpty();

        checkAt(T0.plus(DEFAULT_UNOPENED));
        assertThat(ends()).containsExactly(new EndSessionCommand(session, "never opened within PT15M", "system",
                SessionEndCause.NEVER_OPENED));
        assertThat(commands.actors()).containsExactly("system");
    }

    @Test
    void givenPoolWithItsOwnUnopenedTimeout_whenItPasses_thenTheSessionEnds() {
        poolWith(PoolType.FLOATING, new SessionLimits(null, null, null, null, Duration.ofMinutes(2), null, null));
        assignedAt(T0);

        checkAt(T0.plusSeconds(119));
        assertThat(ends()).isEmpty();

        checkAt(T0.plusSeconds(120));
        assertThat(ends()).extracting(EndSessionCommand::cause).containsExactly(SessionEndCause.NEVER_OPENED);
    }

    @Test
    void givenSessionOpenedOnce_whenTheUnopenedTimeoutPasses_thenItIsNotEndedForIt() {
        poolWith(PoolType.FLOATING, SessionLimits.NONE);
        assignedAt(T0);
        connectedAt(T0.plusSeconds(30));
        disconnectedAt(T0.plusSeconds(60));

        checkAt(T0.plus(Duration.ofHours(1)));

        assertThat(ends()).isEmpty();
    }

    @Test
    void givenSessionStillWaitingForItsDesktop_whenTheUnopenedTimeoutPasses_thenItIsLeftToTheAllocator() {
        poolWith(PoolType.FLOATING, SessionLimits.NONE);
        harness.givenAt(T0, new SessionRequestedEvent(session, pool, ALICE));

        checkAt(T0.plus(Duration.ofHours(1)));

        assertThat(ends()).isEmpty();
    }

    // --- maximum length ---

    @Test
    void givenPoolWithAMaximumLength_whenAConnectedSessionReachesIt_thenItEndsAtItsMaximumLength() {
        poolWith(PoolType.FLOATING, new SessionLimits(null, null, null, null, null, Duration.ofHours(8),
                List.of(Duration.ofMinutes(15), Duration.ofMinutes(5))));
        assignedAt(T0);
        connectedAt(T0.plusSeconds(10));

        checkAt(T0.plus(Duration.ofHours(8)).minusSeconds(1));
        assertThat(ends()).isEmpty();

        checkAt(T0.plus(Duration.ofHours(8)));
        assertThat(ends()).containsExactly(new EndSessionCommand(session, "maximum session length of PT8H reached",
                "system", SessionEndCause.MAX_LENGTH));
    }

    @Test
    void givenPoolWithoutAMaximumLength_whenASessionLastsLong_thenItGoesOn() {
        poolWith(PoolType.FLOATING, SessionLimits.NONE);
        assignedAt(T0);
        connectedAt(T0.plusSeconds(10));

        checkAt(T0.plus(Duration.ofDays(3)));

        assertThat(ends()).isEmpty();
    }

    // --- disconnected: suspend or shut down ---

    private static SessionLimits suspendAfter(Duration after) {
        return new SessionLimits(PowerAction.SUSPEND, after, null, null, null, null, null);
    }

    @Test
    void givenPersistentPoolThatSuspends_whenItsUserStaysDisconnectedLongEnough_thenTheSessionEndsForThePowerDown() {
        poolWith(PoolType.PERSISTENT, suspendAfter(Duration.ofMinutes(15)));
        assignedAt(T0);
        connectedAt(T0.plusSeconds(10));
        disconnectedAt(T0.plusSeconds(600));

        checkAt(T0.plusSeconds(600).plus(Duration.ofMinutes(15)).minusSeconds(1));
        assertThat(ends()).isEmpty();

        checkAt(T0.plusSeconds(600).plus(Duration.ofMinutes(15)));
        assertThat(ends()).containsExactly(new EndSessionCommand(session,
                "disconnected for PT15M: desktop suspended until the next request", "system",
                SessionEndCause.DISCONNECTED_POWER_DOWN));
    }

    @Test
    void givenPersistentPoolThatSuspends_whenItsUserReconnectedMeanwhile_thenTheSessionGoesOn() {
        poolWith(PoolType.PERSISTENT, suspendAfter(Duration.ofMinutes(15)));
        assignedAt(T0);
        connectedAt(T0.plusSeconds(10));
        disconnectedAt(T0.plusSeconds(600));
        connectedAt(T0.plusSeconds(900));

        checkAt(T0.plus(Duration.ofHours(2)));

        assertThat(ends()).isEmpty();
    }

    @Test
    void givenFloatingPool_whenItsUserStaysDisconnected_thenThePowerActionDoesNotApply() {
        poolWith(PoolType.FLOATING, suspendAfter(Duration.ofMinutes(15)));
        assignedAt(T0);
        connectedAt(T0.plusSeconds(10));
        disconnectedAt(T0.plusSeconds(600));

        checkAt(T0.plus(Duration.ofHours(2)));

        assertThat(ends()).isEmpty();
    }

    @Test
    void givenSessionEndedAlready_whenChecked_thenItIsNotEndedAgain() {
        poolWith(PoolType.FLOATING, SessionLimits.NONE);
        assignedAt(T0);
        harness.givenAt(T0.plusSeconds(1), new SessionEndedEvent(session, desktop, ALICE, "logoff", ALICE));

        checkAt(T0.plus(Duration.ofHours(1)));

        assertThat(ends()).isEmpty();
    }

    @Test
    void givenEndingOneSessionFails_whenChecked_thenTheOthersAreStillEnded() {
        UUID other = UUID.randomUUID();
        commands = harness.reset().answer(EndSessionCommand.class, end -> {
            if (end.sessionId().equals(session)) {
                throw new IllegalStateException("store unavailable");
            }
            return null;
        });
        poolWith(PoolType.FLOATING, SessionLimits.NONE);
        assignedAt(T0);
        harness.givenAt(T0, new SessionRequestedEvent(other, pool, "bob"));
        harness.givenAt(T0.plusSeconds(1), new DesktopAssignedToSessionEvent(other, UUID.randomUUID(), "bob"));

        checkAt(T0.plus(Duration.ofHours(1)));

        assertThat(ends()).extracting(EndSessionCommand::sessionId).containsExactly(session, other);
    }
}
