package org.openvdi.broker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.testsupport.Histories.floatingPool;
import static org.openvdi.broker.testsupport.Histories.pool;
import static org.openvdi.broker.testsupport.Histories.readyDesktop;
import static org.openvdi.broker.testsupport.Histories.testDriverHost;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.desktop.api.RetireSpareDesktopCommand;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.pool.api.RecordPoolSpareTargetCommand;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.spare.DemandOutlook;
import org.openvdi.broker.spare.SparePolicy;
import org.openvdi.broker.spare.TargetReason;
import org.openvdi.broker.testsupport.Histories;
import org.openvdi.broker.testsupport.ProcessHarness;
import org.openvdi.broker.testsupport.RecordedCommands;

/**
 * The capacity process with spare policies, driven directly on the real read models (shared PostgreSQL) with a clock
 * the test moves: targets recorded once per change, scale-in of surplus spares (oldest first, never a desktop in use,
 * owned or held for a waiting session) after the settle time, no churn when demand oscillates, forecast-only mode.
 * The forecast is a stand-in {@link DemandOutlook} the test sets: the forecast engine is another feature's.
 */
class SparePolicyProcessTest {

    /** Tuesday 2026-12-01 10:00 in Berlin. */
    private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
    private static final Duration SETTLE = Duration.ofMinutes(10);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static final MovableClock clock = new MovableClock();
    private static volatile double forecast = Double.NaN;
    private static ProcessHarness harness;
    private static SpareCapacityProcess process;

    private final UUID pool = UUID.randomUUID();
    private final UUID host = UUID.randomUUID();
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
        DemandOutlook outlook = (poolId, from, within) -> forecast;
        harness = ProcessHarness.start(Map.of(CapacitySettings.class, new CapacitySettings(SETTLE, Duration.ofMinutes(5)),
                Clock.class, clock, DemandOutlook.class, outlook), SpareCapacityProcess.class);
        process = harness.bean(SpareCapacityProcess.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void given() {
        clock.now = T0;
        forecast = Double.NaN;
        commands = harness.reset().accept(RequestDesktopProvisioningCommand.class, RecordPoolSpareTargetCommand.class,
                RetireSpareDesktopCommand.class);
        harness.given(testDriverHost(host, 50));
    }

    private void tickAt(Instant at) {
        clock.now = at;
        process.keepSpares();
    }

    private UUID readySpareAt(Instant readyAt) {
        UUID desktop = UUID.randomUUID();
        harness.givenAt(readyAt, readyDesktop(desktop, pool, host, null));
        return desktop;
    }

    private List<UUID> retired() {
        return commands.sent(RetireSpareDesktopCommand.class).stream().map(RetireSpareDesktopCommand::desktopId).toList();
    }

    private void reconfigure(int minSpare, int maxSize, SparePolicy policy) {
        harness.given(new PoolReconfiguredEvent(pool, "pool-" + pool, minSpare, maxSize, PowerPolicy.KEEP_RUNNING, "admin",
                policy));
    }

    @Test
    void givenMinSpareLoweredFromThreeToOne_whenTheSurplusLastedTheSettleTime_thenTheTwoOldestSparesAreRetired() {
        harness.given(floatingPool(pool, 3, 10));
        UUID oldest = readySpareAt(T0.minusSeconds(3 * 3600));
        UUID middle = readySpareAt(T0.minusSeconds(2 * 3600));
        readySpareAt(T0.minusSeconds(3600));
        reconfigure(1, 10, new SparePolicy.Static(1));

        tickAt(T0);
        tickAt(T0.plus(SETTLE).minusSeconds(1));
        assertThat(retired()).as("nothing before the settle time").isEmpty();

        tickAt(T0.plus(SETTLE));
        assertThat(retired()).containsExactlyInAnyOrder(oldest, middle);
        assertThat(commands.sent(RetireSpareDesktopCommand.class).get(0).desktopId()).isEqualTo(oldest);
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).isEmpty();
    }

    @Test
    void givenDesktopsInUse_whenTheSpareTargetDropsToZero_thenOnlyTheReadyUnassignedSpareIsRetired() {
        harness.given(floatingPool(pool, 0, 10));
        UUID spare = readySpareAt(T0.minusSeconds(60));
        UUID inUse = readySpareAt(T0.minusSeconds(7200));
        harness.given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), "bob", false));

        tickAt(T0);
        tickAt(T0.plus(SETTLE));

        assertThat(retired()).containsExactly(spare);
    }

    @Test
    void givenAWaitingSession_whenSurplusIsRetired_thenOneReadySpareIsLeftForIt() {
        harness.given(floatingPool(pool, 0, 10));
        readySpareAt(T0.minusSeconds(120));
        readySpareAt(T0.minusSeconds(60));
        harness.given(new SessionRequestedEvent(UUID.randomUUID(), pool, "alice"));

        tickAt(T0);
        tickAt(T0.plus(SETTLE));

        assertThat(retired()).hasSize(1);
    }

    @Test
    void givenPersistentPool_whenScaledIn_thenADesktopOwnedByAUserIsNeverRetired() {
        harness.given(pool(pool, PoolType.PERSISTENT, PowerPolicy.KEEP_RUNNING, 0, 10, "alice"));
        UUID owned = UUID.randomUUID();
        harness.givenAt(T0.minusSeconds(7200), readyDesktop(owned, pool, host, "alice"));
        UUID spare = readySpareAt(T0.minusSeconds(60));

        tickAt(T0);
        tickAt(T0.plus(SETTLE));

        assertThat(retired()).containsExactly(spare);
    }

    @Test
    void givenMaxSizeLoweredBelowTheDesktopsInUseAndSpares_whenSettled_thenTheTargetIsClampedAndTheSurplusRetired() {
        harness.given(floatingPool(pool, 3, 10));
        UUID oldest = readySpareAt(T0.minusSeconds(3600));
        readySpareAt(T0.minusSeconds(1800));
        readySpareAt(T0.minusSeconds(900));
        UUID inUse = readySpareAt(T0.minusSeconds(7200));
        harness.given(new DesktopAssignedEvent(inUse, UUID.randomUUID(), "bob", false));
        reconfigure(3, 3, new SparePolicy.Static(3));

        tickAt(T0);
        tickAt(T0.plus(SETTLE));

        assertThat(commands.sent(RecordPoolSpareTargetCommand.class))
                .containsExactly(new RecordPoolSpareTargetCommand(pool, 2, TargetReason.CLAMPED_MAX_SIZE, false));
        assertThat(retired()).containsExactly(oldest);
    }

    @Test
    void givenForecastThatOscillatesFasterThanTheSettleTime_whenTicksRunForAnHour_thenNoSpareIsRetiredOrAdded() {
        harness.given(floatingPool(pool, 0, 10));
        reconfigure(0, 10, new SparePolicy.Predictive(0, 0, 10, false));
        for (int i = 0; i < 3; i++) {
            readySpareAt(T0.minusSeconds(600 + i));
        }

        for (int minute = 0; minute < 60; minute++) {
            forecast = (minute / 5) % 2 == 0 ? 3 : 0.4; // 3 spares for five minutes, then 1, and so on
            tickAt(T0.plus(Duration.ofMinutes(minute)));
        }

        assertThat(retired()).isEmpty();
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).isEmpty();
        // one recorded target per change, not per tick: 12 five-minute phases
        assertThat(commands.sent(RecordPoolSpareTargetCommand.class)).hasSize(12)
                .extracting(RecordPoolSpareTargetCommand::spares).containsExactly(3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1);
    }

    @Test
    void givenForecastOnlyPolicy_whenTheForecastAsksForMore_thenItsTargetIsRecordedButOnlyMinSpareIsProvisioned() {
        harness.given(floatingPool(pool, 0, 10));
        reconfigure(1, 10, new SparePolicy.Predictive(0.5, 1, 10, true));
        forecast = 4; // 4 * 1.5 = 6

        tickAt(T0);
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).hasSize(1);
        tickAt(T0.plusSeconds(1));

        assertThat(commands.sent(RecordPoolSpareTargetCommand.class))
                .containsExactly(new RecordPoolSpareTargetCommand(pool, 6, TargetReason.FORECAST, true));
    }

    @Test
    void givenForecastOnlyPolicyWithMoreSparesThanMinSpare_whenSettled_thenItScalesInToMinSpare() {
        harness.given(floatingPool(pool, 0, 10));
        reconfigure(1, 10, new SparePolicy.Predictive(0, 1, 10, true));
        readySpareAt(T0.minusSeconds(120));
        UUID newer = readySpareAt(T0.minusSeconds(60));
        forecast = 5;

        tickAt(T0);
        tickAt(T0.plus(SETTLE));

        assertThat(retired()).hasSize(1).doesNotContain(newer);
    }

    @Test
    void givenPredictivePolicy_whenTheForecastRises_thenSparesAreProvisionedUpToIt() {
        harness.given(floatingPool(pool, 0, 10));
        reconfigure(0, 10, new SparePolicy.Predictive(0.2, 0, 4, false));
        forecast = 2.1; // 2.52 -> 3

        tickAt(T0);

        assertThat(commands.sent(RecordPoolSpareTargetCommand.class))
                .containsExactly(new RecordPoolSpareTargetCommand(pool, 3, TargetReason.FORECAST, false));
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).hasSize(3);
    }

    @Test
    void givenPredictivePolicyWithoutAForecast_whenKept_thenItsMinSpareWithNoForecast() {
        harness.given(floatingPool(pool, 0, 10));
        reconfigure(2, 10, new SparePolicy.Predictive(0.2, 2, 4, false));

        tickAt(T0);

        assertThat(commands.sent(RecordPoolSpareTargetCommand.class))
                .containsExactly(new RecordPoolSpareTargetCommand(pool, 2, TargetReason.NO_FORECAST, false));
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).hasSize(2);
    }

    @Test
    void givenScheduleWindowEndingAtMidnightInBerlin_whenTheWindowEnds_thenTheSurplusIsRetiredAfterTheSettleTime() {
        // 22:00-00:30 Berlin on Tuesdays: 4 spares; 1 otherwise
        SparePolicy.Schedule evening = new SparePolicy.Schedule(BERLIN, List.of(new SparePolicy.Window(
                EnumSet.of(DayOfWeek.TUESDAY), LocalTime.of(22, 0), LocalTime.of(0, 30), 4)), 1);
        harness.given(new PoolCreatedEvent(pool, "pool-" + pool, Histories.TEMPLATE, 1, PoolType.FLOATING,
                PowerPolicy.KEEP_RUNNING, 1, 10, Set.of("alice"), Set.of(), "admin", false, evening));
        Instant tuesday2330 = Instant.parse("2026-12-01T22:30:00Z");
        for (int i = 0; i < 4; i++) {
            readySpareAt(tuesday2330.minusSeconds(3600 + i));
        }

        tickAt(tuesday2330);
        Instant wednesday0030 = Instant.parse("2026-12-01T23:30:00Z");
        tickAt(wednesday0030);
        tickAt(wednesday0030.plus(SETTLE).minusSeconds(1));
        assertThat(retired()).isEmpty();
        tickAt(wednesday0030.plus(SETTLE));

        assertThat(commands.sent(RecordPoolSpareTargetCommand.class)).containsExactly(
                new RecordPoolSpareTargetCommand(pool, 4, TargetReason.SCHEDULE_WINDOW, false),
                new RecordPoolSpareTargetCommand(pool, 1, TargetReason.SCHEDULE_OTHERWISE, false));
        assertThat(retired()).hasSize(3);
        assertThat(commands.sent(RequestDesktopProvisioningCommand.class)).isEmpty();
    }
}
