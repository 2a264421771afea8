package org.openvdi.broker.integrity.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records one verification of the event chain: who asked and what it found. */
public record RecordChainVerificationCommand(@TargetAggregateIdentifier UUID verificationId, String auditor,
                                             ChainVerdict verdict, long eventsChecked, long checkpointsChecked,
                                             Long globalIndex, String detail) {
}
