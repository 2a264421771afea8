package org.openvdi.broker.error;

import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.modelling.command.ConcurrencyException;

/** A command that lost the race for its aggregate: nothing it did was kept, so it may be sent again. */
public final class LostRace {

    /** PostgreSQL's SQL state for the transaction it rolled back to break a deadlock. */
    private static final String DEADLOCK_DETECTED = "40P01";

    private LostRace() {
    }

    /**
     * Whether the failure, or one of its causes, is a lost race: {@link ConcurrencyException} (another writer stored
     * the aggregate's next event first, and the unit of work rolled back) or {@link LockAcquisitionFailedException}
     * (the aggregate's lock in this broker stayed taken too long; nothing ran yet), or PostgreSQL chose its
     * transaction to break a deadlock (for example with a read-model rebuild locking the tables it writes) and rolled
     * it back.
     */
    public static boolean causes(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyException || t instanceof LockAcquisitionFailedException) {
                return true;
            }
        }
        return SqlStates.causes(failure, DEADLOCK_DETECTED);
    }
}
