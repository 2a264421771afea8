package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Removes a template that no pool and no desktop uses any more, with all its versions. */
public record DeleteTemplateCommand(@TargetAggregateIdentifier UUID templateId) {
}
