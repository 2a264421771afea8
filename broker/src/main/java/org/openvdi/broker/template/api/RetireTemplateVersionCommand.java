package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Retires a version: no new desktops from it. */
public record RetireTemplateVersionCommand(@TargetAggregateIdentifier UUID templateId, int version) {
}
