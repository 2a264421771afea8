package org.openvdi.broker.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sends of one batch of the publisher's processor: handed to the producer without waiting, then awaited
 * together before the processor stores its new position. The first failure is kept, so that the rest of the
 * batch is not even tried (during an outage each send would wait for Kafka's metadata on its own).
 * Used by the processor's one thread; the producer's thread only records failures.
 */
final class PublicationBatch {

    private final List<CompletableFuture<?>> sends = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    void add(CompletableFuture<?> send) {
        send.whenComplete((result, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
        sends.add(send);
    }

    int size() {
        return sends.size();
    }

    /** Throws the first failure of a send of this batch, if one has failed already. */
    void throwIfFailed() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw failed(failed);
        }
    }

    /** Waits until Kafka acknowledged every send, at most {@code timeout} in all; throws at the first failure. */
    void awaitAcknowledged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
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
    }

    private KafkaPublishException failed(Throwable cause) {
        return new KafkaPublishException("Publishing a batch of " + sends.size() + " events failed: " + cause, cause);
    }
}
