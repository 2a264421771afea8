package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Publishes the next numbered version of a template. */
public record PublishTemplateVersionCommand(@TargetAggregateIdentifier UUID templateId, String imagePath, String sha256, String format, long sizeBytes) {
}
