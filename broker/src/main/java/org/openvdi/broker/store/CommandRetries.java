package org.openvdi.broker.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.openvdi.broker.error.LostRace;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Commands that lost the race for their aggregate ({@link LostRace}) are sent again, so the user's request does not
 * fail for it: {@code openvdi.commands.retries} times at most, after a pause that starts at
 * {@code openvdi.commands.retry-backoff} and doubles each time. A retry loads the aggregate again, with the other
 * writer's event, and decides anew.
 * Every other failure, business refusals included, is answered at once: retrying would only repeat it, or repeat a
 * side effect. So is a lost race of a command sent inside its caller's transaction (a {@link ClaimingTransaction}, a
 * streaming processor's batch): the conflict spoilt that whole transaction, so the caller retries it whole (the
 * allocation claims again, the processor's error handler handles the batch again).
 * After the last retry the failure reaches the caller, and the web layer answers 503 with Retry-After.
 */
@Configuration(proxyBeanMethods = false)
class CommandRetries implements DisposableBean {

    private static final String UNIQUE_VIOLATION = "23505";

    /** Not a bean: Spring would take a ScheduledExecutorService bean for every {@code @Scheduled} task. */
    private final ScheduledExecutorService retryExecutor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "command-retry");
        thread.setDaemon(true);
        return thread;
    });

    @Bean
    RetryScheduler commandRetryScheduler(@Value("${openvdi.commands.retries:4}") int retries,
                                         @Value("${openvdi.commands.retry-backoff:25ms}") Duration backoff) {
        return (command, failure, failures, dispatch) -> {
            int failed = failures.size();
            // a command inside its caller's transaction is not sent again on its own: the conflict spoilt the whole
            // transaction, and a retry on the retry thread would commit apart from it; the caller retries it whole
            if (!LostRace.causes(failure) || failed > retries || TransactionSynchronizationManager.isActualTransactionActive()) {
                return false;
            }
            long pause = backoff.toMillis() << Math.min(failed - 1, 10);
            try {
                retryExecutor.schedule(dispatch, pause, TimeUnit.MILLISECONDS);
                return true;
            } catch (RejectedExecutionException shuttingDown) {
                return false;
            }
        };
    }

    /**
     * Tells Axon that PostgreSQL refused an event for its aggregate's sequence number (SQL state 23505, unique
     * violation), so that Axon reports a {@link org.axonframework.modelling.command.ConcurrencyException} the retries
     * act on. Axon's default for JDBC only recognises {@code SQLIntegrityConstraintViolationException}, which the
     * PostgreSQL driver never throws: a conflict was an {@code EventStoreException} and failed the request.
     */
    @Bean
    PersistenceExceptionResolver persistenceExceptionResolver() {
        return new SQLStateResolver(UNIQUE_VIOLATION);
    }

    /**
     * The gateway every feature sends through: commands to one aggregate take turns before the bus opens their
     * transaction ({@link AggregateTurns}), so a queue of them holds no pool connections; a turn is awaited at most
     * {@code openvdi.commands.turn-wait}.
     */
    @Bean
    CommandGateway commandGateway(CommandBus commandBus, RetryScheduler commandRetryScheduler,
                                  @Value("${openvdi.commands.turn-wait:30s}") Duration turnWait) {
        return DefaultCommandGateway.builder().commandBus(new AggregateTurns(commandBus, turnWait))
                .retryScheduler(commandRetryScheduler).build();
    }

    @Override
    public void destroy() {
        retryExecutor.shutdownNow();
    }
}
