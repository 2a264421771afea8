package org.openvdi.broker.integrity.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * An auditor verified the event chain (the event's timestamp says when). {@code globalIndex} and {@code detail}
 * name the first finding, or are null when the chain was intact.
 */
@Revision("1")
public record EventChainVerifiedEvent(UUID verificationId, String auditor, ChainVerdict verdict, long eventsChecked,
                                      long checkpointsChecked, Long globalIndex, String detail) {
}
