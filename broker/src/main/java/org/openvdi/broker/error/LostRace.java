package org.openvdi.broker.error;

import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.modelling.command.ConcurrencyException;

/** A command that lost the race for its aggregate: nothing it did was kept, so it may be sent again. */
public final class LostRace {

    private LostRace() {
    }

    /**
     * Whether the failure, or one of its causes, is a lost race: {@link ConcurrencyException} (another writer stored
     * the aggregate's next event first, and the unit of work rolled back) or {@link LockAcquisitionFailedException}
     * (the aggregate's lock in this broker stayed taken too long; nothing ran yet).
     */
    public static boolean causes(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConcurrencyException || t instanceof LockAcquisitionFailedException) {
                return true;
            }
        }
        return false;
    }
}
