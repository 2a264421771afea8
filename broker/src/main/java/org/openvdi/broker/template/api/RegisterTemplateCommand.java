package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Registers a golden image template. */
public record RegisterTemplateCommand(@TargetAggregateIdentifier UUID templateId, String name, int vcpus, int memoryMiB) {
}
