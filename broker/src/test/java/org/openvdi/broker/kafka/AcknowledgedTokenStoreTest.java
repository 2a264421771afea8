package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's stored position follows Kafka's acknowledgements, not the processor's reading, over Axon's own
 * in-memory token store (the JDBC one is exercised by CloudEventPublisherTest and the broker's tests).
 */
class AcknowledgedTokenStoreTest {

    private static final String PROCESSOR = DomainEventPublisher.GROUP;

    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final PublicationWindow window = new PublicationWindow(4, Duration.ofSeconds(5));
    private final AcknowledgedTokenStore tokens = new AcknowledgedTokenStore(store, window);

    @BeforeEach
    void claim() {
        tokens.initializeTokenSegments(PROCESSOR, 1, at(-1));
        tokens.fetchToken(PROCESSOR, 0);
    }

    @Test
    void givenABatchInFlight_whenTheProcessorStoresItsPosition_thenThePositionBeforeTheBatchIsKept() {
        CompletableFuture<Object> send = send();
        window.seal(at(9));

        tokens.storeToken(at(9), PROCESSOR, 0);

        assertThat(store.fetchToken(PROCESSOR, 0)).isEqualTo(at(-1));
        assertThat(send).isNotDone();
    }

    @Test
    void givenTheBatchAcknowledged_whenTheProcessorStoresItsNextPosition_thenTheEndOfTheAcknowledgedBatchIsStored() {
        CompletableFuture<Object> first = send();
        window.seal(at(9));
        send();
        window.seal(at(19));
        first.complete("acknowledged");

        tokens.storeToken(at(19), PROCESSOR, 0);

        assertThat(store.fetchToken(PROCESSOR, 0)).isEqualTo(at(9));
    }

    @Test
    void givenAnIdleProcessor_whenItExtendsItsClaim_thenTheAcknowledgedPositionCatchesUp() {
        CompletableFuture<Object> send = send();
        window.seal(at(9));
        tokens.storeToken(at(9), PROCESSOR, 0);
        send.complete("acknowledged");

        tokens.extendClaim(PROCESSOR, 0);

        assertThat(store.fetchToken(PROCESSOR, 0)).isEqualTo(at(9));
    }

    @Test
    void givenAFailedSendAndNoNewEvents_whenTheIdleProcessorExtendsItsClaim_thenItFailsSoThatItRestartsFromItsPosition() {
        CompletableFuture<Object> send = send();
        window.seal(at(9));
        send.completeExceptionally(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tokens.extendClaim(PROCESSOR, 0))
                .isInstanceOf(KafkaPublishException.class);
        assertThat(store.fetchToken(PROCESSOR, 0)).isEqualTo(at(-1));
    }

    @Test
    void givenBatchesInFlight_whenTheProcessorRestartsFromItsStoredPosition_thenTheWindowIsEmptied() {
        send();
        window.seal(at(9));

        TrackingToken restart = tokens.fetchToken(PROCESSOR, 0);

        assertThat(restart).isEqualTo(at(-1));
        assertThat(window.batchesInFlight()).isZero();
    }

    @Test
    void givenAnAcknowledgedBatch_whenTheClaimIsReleased_thenItsEndIsStoredFirst() {
        CompletableFuture<Object> send = send();
        window.seal(at(9));
        send();
        send.complete("acknowledged");

        tokens.releaseClaim(PROCESSOR, 0);

        assertThat(store.fetchToken(PROCESSOR, 0)).isEqualTo(at(9));
        assertThat(window.batchesInFlight()).isZero();
    }

    private CompletableFuture<Object> send() {
        CompletableFuture<Object> send = new CompletableFuture<>();
        window.sending().add(send);
        return send;
    }

    private static TrackingToken at(long index) {
        return new GlobalSequenceTrackingToken(index);
    }
}
