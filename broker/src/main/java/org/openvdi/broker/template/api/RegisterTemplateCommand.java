package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.templates.descriptor.TemplateDescriptor;

/** Registers a golden image template described by its descriptor. */
public record RegisterTemplateCommand(@TargetAggregateIdentifier UUID templateId, TemplateDescriptor descriptor) {
}
