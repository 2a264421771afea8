package org.openvdi.broker.backtest;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.backtest.api.BacktestRecordedEvent;
import org.openvdi.broker.backtest.api.RecordBacktestCommand;

/**
 * One backtest that was run, recorded with its request and result so that it can be listed and shown again. It is
 * recorded once and never changes; recording the same backtest again is a no-op.
 */
@Aggregate
class Backtest {

    @AggregateIdentifier
    private UUID backtestId;

    Backtest() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordBacktestCommand command, @MetaDataValue("user") String user) {
        if (backtestId != null) {
            return;
        }
        apply(new BacktestRecordedEvent(command.backtestId(), command.poolId(), user, command.from(), command.to(),
                command.requests(), command.leadTimes(), command.leadTimeP50Seconds(), command.maxSize(),
                command.millis(), command.results()));
    }

    @EventSourcingHandler
    void on(BacktestRecordedEvent event) {
        backtestId = event.backtestId();
    }
}
