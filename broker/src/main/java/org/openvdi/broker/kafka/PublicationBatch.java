package org.openvdi.broker.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.eventhandling.TrackingToken;

/**
 * The sends of one batch of the publisher's processor, and the processor's position after its last event. The
 * sends are handed to the producer without waiting; the batch is acknowledged when Kafka acknowledged every one of
 * them. The first failure is kept, so that the rest of the window is not even tried (during an outage each send
 * would wait for Kafka's metadata on its own). Used by the processor's one thread; the producer's thread only counts
 * acknowledgements and records failures.
 */
final class PublicationBatch {

    private final List<CompletableFuture<?>> sends = new ArrayList<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean awaited;
    private TrackingToken position;

    void add(CompletableFuture<?> send) {
        pending.incrementAndGet();
        sends.add(send);
        send.whenComplete((result, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                pending.decrementAndGet();
            }
        });
    }

    /** Closes the batch: {@code position} is where the processor stands after its last event. */
    void seal(TrackingToken position) {
        this.position = position;
    }

    TrackingToken position() {
        return position;
    }

    int size() {
        return sends.size();
    }

    /** Whether Kafka acknowledged every send of this batch (none failed). */
    boolean acknowledged() {
        return awaited || pending.get() == 0 && failure.get() == null;
    }

    /** Throws the first failure of a send of this batch, if one has failed already. */
    void throwIfFailed() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw failed(failed);
        }
    }

    /**
     * Waits until Kafka acknowledged every send, until {@code deadline} ({@link System#nanoTime()}); throws at the
     * first failure or when the deadline passes.
     */
    void awaitAcknowledged(long deadline, String timeout) {
        for (CompletableFuture<?> send : sends) {
            throwIfFailed();
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw failed(e.getCause());
            } catch (TimeoutException e) {
                throw new KafkaPublishException("Kafka did not acknowledge a batch of " + sends.size()
                        + " events within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaPublishException("Interrupted while waiting for Kafka to acknowledge a batch", e);
            }
        }
        awaited = true;
    }

    private KafkaPublishException failed(Throwable cause) {
        return new KafkaPublishException("Publishing a batch of " + sends.size() + " events failed: " + cause, cause);
    }
}
