package org.openvdi.broker.backtest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.backtest.api.BacktestPolicyFigures;
import org.openvdi.broker.backtest.api.BacktestRecordedEvent;
import org.openvdi.broker.backtest.api.RecordBacktestCommand;
import org.openvdi.broker.spare.SparePolicy;

/** Recording a backtest: once, with who ran it; the same backtest again changes nothing. */
class BacktestTest {

    private static final UUID BACKTEST = UUID.fromString("00000000-0000-0000-0000-0000000000b1");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000b2");
    private static final Instant FROM = Instant.parse("2026-11-17T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");
    private static final Map<String, Object> ADMIN = Map.of("user", "admin");
    private static final List<BacktestPolicyFigures> FIGURES = List.of(
            new BacktestPolicyFigures("STATIC 2", new SparePolicy.Static(2), 451, 405, 405 / 451.0, 0, 43.1, 659.4, 41, 453),
            new BacktestPolicyFigures("PREDICTIVE +600%", new SparePolicy.Predictive(6.0, 2, 30, false), 451, 439,
                    439 / 451.0, 0, 0, 689.9, 41, 472));
    private static final RecordBacktestCommand RECORD = new RecordBacktestCommand(BACKTEST, POOL, FROM, TO, 451, 923, 97,
            400, 3600, FIGURES);
    private static final BacktestRecordedEvent RECORDED = new BacktestRecordedEvent(BACKTEST, POOL, "admin", FROM, TO,
            451, 923, 97, 400, 3600, FIGURES);

    private FixtureConfiguration<Backtest> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Backtest.class);
    }

    @Test
    void givenNothing_whenAnAdminRecordsABacktest_thenRecordedWithItsPoliciesFiguresAndWhoRanIt() {
        fixture.givenNoPriorActivity()
                .when(RECORD, ADMIN)
                .expectSuccessfulHandlerExecution()
                .expectEvents(RECORDED);
    }

    @Test
    void givenARecordedBacktest_whenRecordedAgain_thenNothingChanges() {
        fixture.given(RECORDED)
                .when(RECORD, Map.of("user", "someone-else"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
