package org.openvdi.broker.template;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.openvdi.templates.descriptor.TemplateDescriptor;

/** A template with its descriptor and its versions, newest last. */
public record TemplateView(UUID id, String name, int vcpus, int memoryMiB, Instant registeredAt,
                           TemplateDescriptor descriptor, List<Version> versions) {

    /** One published version of the golden image. */
    public record Version(int version, String imagePath, String sha256, String format, long sizeBytes, boolean retired,
                          Instant publishedAt) {
    }
}
