package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record TemplateVersionRetiredEvent(UUID templateId, int version, String retiredBy) {
}
