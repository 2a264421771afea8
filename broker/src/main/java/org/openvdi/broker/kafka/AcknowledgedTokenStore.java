package org.openvdi.broker.kafka;

import java.util.List;
import java.util.Optional;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToRetrieveIdentifierException;

/**
 * The publisher processor's view of the token store: its stored position is where Kafka acknowledged everything
 * before, not where the processor has read to. When the processor stores its position after a batch, this stores
 * instead the end of the newest batch that Kafka acknowledged together with all batches before it
 * ({@link PublicationWindow#acknowledged()}), or only extends the claim when none was acknowledged since; the
 * processor's idle claim extensions store it likewise, so the position catches up when the stream is quiet, and
 * fail when a send of the window failed, so that an idle processor too starts again from its stored position.
 * Fetching the position (the processor starts or restarts after a failure) and releasing the claim empty the
 * window, so that what was in flight is sent again from the stored position. Everything else is the shared store's.
 */
final class AcknowledgedTokenStore implements TokenStore {

    private final TokenStore store;
    private final PublicationWindow window;

    AcknowledgedTokenStore(TokenStore store, PublicationWindow window) {
        this.store = store;
        this.window = window;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment) throws UnableToClaimTokenException {
        storeAcknowledged(processorName, segment);
    }

    @Override
    public void extendClaim(String processorName, int segment) throws UnableToClaimTokenException {
        storeAcknowledged(processorName, segment);
    }

    /**
     * Stores the acknowledged position, or only extends the claim. A send of the window that failed fails this call:
     * an idle processor (no new events, so no handler call and no batch to seal) would otherwise keep the failed
     * batch and never send it again; failing, it releases its claim and restarts from the stored position.
     */
    private void storeAcknowledged(String processorName, int segment) {
        window.throwIfFailed();
        Optional<TrackingToken> acknowledged = window.acknowledged();
        if (acknowledged.isPresent()) {
            store.storeToken(acknowledged.get(), processorName, segment);
        } else {
            store.extendClaim(processorName, segment);
        }
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) throws UnableToClaimTokenException {
        window.clear();
        return store.fetchToken(processorName, segment);
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment) throws UnableToClaimTokenException {
        window.clear();
        return store.fetchToken(processorName, segment);
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        try {
            window.acknowledged().ifPresent(position -> store.storeToken(position, processorName, segment));
        } finally {
            window.clear();
            store.releaseClaim(processorName, segment);
        }
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount) throws UnableToClaimTokenException {
        store.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount, TrackingToken initialToken)
            throws UnableToClaimTokenException {
        store.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment)
            throws UnableToInitializeTokenException {
        store.initializeSegment(token, processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) throws UnableToClaimTokenException {
        store.deleteToken(processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return store.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return store.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return store.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() throws UnableToRetrieveIdentifierException {
        return store.retrieveStorageIdentifier();
    }
}
