package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record TemplateRegisteredEvent(UUID templateId, String name, int vcpus, int memoryMiB, String registeredBy) {
}
