package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record TemplateDeletedEvent(UUID templateId, String deletedBy) {
}
