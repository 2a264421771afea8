package org.openvdi.broker.integrity;

import org.openvdi.broker.integrity.api.ChainVerdict;

/**
 * What one verification found.
 *
 * @param verdict            intact, or the kind of the first finding
 * @param eventsChecked      sealed events whose stored bytes were hashed and matched their link
 * @param checkpointsChecked signed checkpoints whose signature and head matched the chain
 * @param chainSize          links in the chain
 * @param head               the newest link (base64), as recomputed
 * @param millis             how long it took
 * @param eventsPerSecond    {@code eventsChecked} per second of that
 * @param signedCheckpoints  false when no checkpoint key is configured: a truncated or recomputed chain cannot be
 *                           caught then
 * @param finding            the first finding; null when intact
 */
record ChainReport(ChainVerdict verdict, long eventsChecked, long checkpointsChecked, long chainSize, String head,
                   long millis, long eventsPerSecond, boolean signedCheckpoints, Finding finding) {

    /**
     * Where the first finding is: the chain position and global index of the event (either may be null when it
     * does not apply), the event's identifier, and what was found, in words.
     */
    record Finding(Long position, Long globalIndex, String eventIdentifier, String detail) {
    }
}
