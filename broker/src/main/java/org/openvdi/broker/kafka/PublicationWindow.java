package org.openvdi.broker.kafka;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The publisher's batches that were handed to Kafka and are not yet known to be acknowledged, oldest first, and the
 * batch being sent. The processor does not wait for a batch's acknowledgements before it reads the next one: up to
 * {@code openvdi.kafka.publish-window} batches may be in flight at once, and only when that many are it waits for
 * the oldest. Its stored position follows behind ({@link AcknowledgedTokenStore}): it moves to the end of a batch
 * only once Kafka acknowledged that batch and every batch before it, so it never passes an event whose send was not
 * acknowledged, and a restart (after a failure, a lost claim or a shutdown) resends what was in flight.
 * <p>
 * Threading: used by the processor's one thread (its handler and its token store calls); the producer's thread
 * only completes the sends of the batches. Synchronized all the same, because a processor that lost its claim may
 * hand over to a new thread.
 */
final class PublicationWindow {

    private final int capacity;
    private final Duration timeout;
    private final Deque<PublicationBatch> inFlight = new ArrayDeque<>();
    private PublicationBatch sending = new PublicationBatch();

    PublicationWindow(int capacity, Duration timeout) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The publication window must hold at least one batch, not " + capacity);
        }
        this.capacity = capacity;
        this.timeout = timeout;
    }

    /** The batch being sent; throws first if any send in the window has failed already. */
    synchronized PublicationBatch sending() {
        throwIfFailed();
        return sending;
    }

    /**
     * Closes the batch being sent, which ends at {@code position}, and waits, at most the send timeout, until no
     * more than the window's capacity of batches remain unacknowledged. Throws if a send failed or the wait timed
     * out: the processor then fails its batch and restarts from its stored position.
     */
    synchronized void seal(TrackingToken position) {
        PublicationBatch batch = sending;
        batch.seal(position);
        inFlight.addLast(batch);
        sending = new PublicationBatch();
        long deadline = System.nanoTime() + timeout.toNanos();
        throwIfFailed();
        for (PublicationBatch oldest = oldestUnacknowledged(); unacknowledged() >= capacity; oldest = oldestUnacknowledged()) {
            oldest.awaitAcknowledged(deadline, timeout.toString());
        }
        throwIfFailed();
    }

    /**
     * The position after the newest batch that Kafka acknowledged together with every batch before it, if any
     * batch was acknowledged since the last call; those batches leave the window.
     */
    synchronized Optional<TrackingToken> acknowledged() {
        TrackingToken position = null;
        while (!inFlight.isEmpty() && inFlight.peekFirst().acknowledged()) {
            TrackingToken end = inFlight.pollFirst().position();
            position = end == null ? position : end;
        }
        return Optional.ofNullable(position);
    }

    /** Forgets every batch: the processor starts again from its stored position and sends them again. */
    synchronized void clear() {
        inFlight.clear();
        sending = new PublicationBatch();
    }

    synchronized int batchesInFlight() {
        return inFlight.size();
    }

    private PublicationBatch oldestUnacknowledged() {
        for (PublicationBatch batch : inFlight) {
            if (!batch.acknowledged()) {
                return batch;
            }
        }
        return null;
    }

    private int unacknowledged() {
        int count = 0;
        for (PublicationBatch batch : inFlight) {
            if (!batch.acknowledged()) {
                count++;
            }
        }
        return count;
    }

    /** Throws the first failure of a send in the window, if one has failed. */
    synchronized void throwIfFailed() {
        for (PublicationBatch batch : inFlight) {
            batch.throwIfFailed();
        }
        sending.throwIfFailed();
    }
}
