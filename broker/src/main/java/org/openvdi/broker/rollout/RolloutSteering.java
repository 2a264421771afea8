package org.openvdi.broker.rollout;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/**
 * Lets one request at a time steer a rollout (pause, resume, cancel, roll back) in this broker. The others wait
 * here, holding no database connection, and then find the state already changed in the read model, so fifty
 * identical requests send one command instead of queueing fifty on the aggregate's lock. The aggregate stays the
 * guard between brokers. Locks are striped by rollout id: a fixed, small amount of memory.
 */
final class RolloutSteering {

    private static final int STRIPES = 64;
    private static final long WAIT_SECONDS = 30;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    RolloutSteering() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock(true);
        }
    }

    <T> T steer(UUID rolloutId, Supplier<T> change) {
        ReentrantLock lock = stripes[Math.floorMod(rolloutId.hashCode(), STRIPES)];
        try {
            if (!lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Rollout " + rolloutId + " is being changed; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException(ErrorCode.ILLEGAL_STATE, "Interrupted while waiting to change rollout " + rolloutId);
        }
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }
}
