package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

@Revision("1")
public record TemplateVersionPublishedEvent(UUID templateId, int version, String imagePath, String sha256, String format, long sizeBytes, String publishedBy) {
}
