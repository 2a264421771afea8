package org.openvdi.broker.store;

/**
 * The timing of segment claims that every streaming processor shares, so that the segments of a broker that died move
 * to the others within {@code openvdi.cluster.claim-timeout} (5 s by default) plus one claim interval.
 */
public final class ProcessorClaims {

    /** How often a processor looks for an unclaimed segment. */
    public static final long CLAIM_INTERVAL_MILLIS = 1000;
    /** How often a pooled processor extends the claims of its idle segments; well below the claim timeout. */
    public static final long EXTENSION_MILLIS = 1000;

    private ProcessorClaims() {
    }
}
