package org.openvdi.broker.store;

import java.time.Duration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A transaction that claims read-model rows ({@code SELECT ... FOR UPDATE}) and then sends commands that join it, so
 * that the claim and the commands' events commit together (an allocation claims a spare and assigns it). Inside one,
 * a command waits at most {@link #TURN_WAIT} for its aggregate's turn ({@link AggregateTurns}) instead of the usual
 * {@code openvdi.commands.turn-wait}: the command holding that turn may be waiting for a row this transaction has
 * claimed, and neither would move until the long wait ran out. A turn not given in time is a lost race, and the
 * transaction rolls back, releasing its claims; a lost race inside one is not retried on its own either
 * ({@link CommandRetries}): the caller tries the whole transaction again.
 */
public final class ClaimingTransaction {

    /** How long a command inside a claiming transaction waits for its aggregate's turn. */
    static final Duration TURN_WAIT = Duration.ofMillis(200);
    private static final String NAME = "openvdi-claiming-transaction";

    private ClaimingTransaction() {
    }

    /** Runs its callbacks as claiming transactions. */
    public static TransactionTemplate template(PlatformTransactionManager transactionManager) {
        TransactionTemplate template = new TransactionTemplate(transactionManager);
        template.setName(NAME);
        return template;
    }

    /** Whether the calling thread is inside a claiming transaction. */
    static boolean active() {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && NAME.equals(TransactionSynchronizationManager.getCurrentTransactionName());
    }
}
