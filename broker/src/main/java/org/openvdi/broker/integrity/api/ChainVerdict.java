package org.openvdi.broker.integrity.api;

/** What a verification of the event chain found: the chain intact, or the first kind of tampering it met. */
public enum ChainVerdict {
    /** Every sealed event is stored as sealed, in its place, and the chain agrees with every signed checkpoint. */
    INTACT,
    /** An event's stored bytes differ from what was sealed. */
    ALTERED,
    /** A sealed event (or its link) is gone, and later sealed events remain. */
    REMOVED,
    /** An event that was never sealed sits below the sealed ones, at a global index whose gap had closed. */
    INSERTED,
    /** A sealed event is stored at another event's place. */
    REORDERED,
    /** The newest sealed events are gone: the chain or a signed checkpoint covers more than remains. */
    TRUNCATED,
    /** The chain is consistent but differs from a signed checkpoint: it was recomputed without the key. */
    CHECKPOINT_MISMATCH,
    /** A checkpoint file does not carry a valid signature of the configured key. */
    CHECKPOINT_INVALID
}
