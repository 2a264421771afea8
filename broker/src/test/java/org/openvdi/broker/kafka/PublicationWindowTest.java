package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's window of batches in flight, on its own: sends are plain futures completed by the test in the
 * order Kafka might acknowledge them (the producer itself is covered on a real Kafka by CloudEventPublisherTest).
 */
class PublicationWindowTest {

    private final ScheduledExecutorService kafka = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        kafka.shutdownNow();
    }

    @Test
    void givenRoomInTheWindow_whenABatchIsSealed_thenTheProcessorReadsOnWithoutWaiting() {
        PublicationWindow window = new PublicationWindow(3, Duration.ofSeconds(5));
        CompletableFuture<?> first = send(window);
        window.seal(at(9));
        CompletableFuture<?> second = send(window);
        window.seal(at(19));

        assertThat(window.batchesInFlight()).isEqualTo(2);
        assertThat(window.acknowledged()).isEmpty();
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
    }

    @Test
    void givenALaterBatchAcknowledgedFirst_whenAskedForThePosition_thenItStaysBeforeTheUnacknowledgedBatch() {
        PublicationWindow window = new PublicationWindow(4, Duration.ofSeconds(5));
        CompletableFuture<Object> first = send(window);
        window.seal(at(9));
        CompletableFuture<Object> second = send(window);
        window.seal(at(19));

        second.complete("acknowledged");
        assertThat(window.acknowledged()).isEmpty();

        first.complete("acknowledged");
        assertThat(window.acknowledged()).contains(at(19));
        assertThat(window.acknowledged()).isEmpty();
        assertThat(window.batchesInFlight()).isZero();
    }

    @Test
    void givenAFullWindow_whenABatchIsSealed_thenItWaitsForTheOldestAcknowledgement() {
        PublicationWindow window = new PublicationWindow(2, Duration.ofSeconds(5));
        CompletableFuture<Object> first = send(window);
        window.seal(at(9));
        send(window);
        kafka.schedule(() -> first.complete("acknowledged"), 200, TimeUnit.MILLISECONDS);

        long start = System.nanoTime();
        window.seal(at(19));

        assertThat(first).isCompleted();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(window.acknowledged()).contains(at(9));
    }

    @Test
    void givenAWindowOfOne_whenABatchIsSealed_thenItWaitsForItsOwnAcknowledgement() {
        PublicationWindow window = new PublicationWindow(1, Duration.ofSeconds(5));
        CompletableFuture<Object> only = send(window);
        kafka.schedule(() -> only.complete("acknowledged"), 100, TimeUnit.MILLISECONDS);

        window.seal(at(9));

        assertThat(only).isCompleted();
        assertThat(window.acknowledged()).contains(at(9));
    }

    @Test
    void givenAFailedSendInFlight_whenTheNextEventIsSent_thenItFailsAndTheFailedBatchIsNeverAcknowledged() {
        PublicationWindow window = new PublicationWindow(4, Duration.ofSeconds(5));
        CompletableFuture<Object> first = send(window);
        window.seal(at(9));
        first.completeExceptionally(new TimeoutException("Expiring 1 record(s)"));

        assertThatThrownBy(window::sending).isInstanceOf(KafkaPublishException.class)
                .hasMessageContaining("Expiring 1 record(s)");
        assertThatThrownBy(() -> window.seal(at(19))).isInstanceOf(KafkaPublishException.class);
        assertThat(window.acknowledged()).isEmpty();
    }

    @Test
    void givenAFullWindowThatKafkaNeverAcknowledges_whenSealed_thenItGivesUpAfterTheSendTimeout() {
        PublicationWindow window = new PublicationWindow(1, Duration.ofMillis(300));
        send(window);

        assertThatThrownBy(() -> window.seal(at(9))).isInstanceOf(KafkaPublishException.class)
                .hasMessageContaining("did not acknowledge");
        assertThat(window.acknowledged()).isEmpty();
    }

    @Test
    void givenBatchesInFlight_whenCleared_thenTheirLateAcknowledgementsMoveNothing() {
        PublicationWindow window = new PublicationWindow(4, Duration.ofSeconds(5));
        CompletableFuture<Object> first = send(window);
        window.seal(at(9));
        CompletableFuture<Object> unsealed = send(window);

        window.clear();
        first.complete("acknowledged");
        unsealed.complete("acknowledged");

        assertThat(window.acknowledged()).isEmpty();
        assertThat(window.batchesInFlight()).isZero();
    }

    @Test
    void givenAnEmptyBatch_whenSealed_thenItCountsAsAcknowledgedAtOnce() {
        PublicationWindow window = new PublicationWindow(1, Duration.ofSeconds(5));

        window.seal(at(4));

        assertThat(window.acknowledged()).contains(at(4));
    }

    private static CompletableFuture<Object> send(PublicationWindow window) {
        CompletableFuture<Object> send = new CompletableFuture<>();
        window.sending().add(send);
        return send;
    }

    private static TrackingToken at(long index) {
        return new GlobalSequenceTrackingToken(index);
    }
}
