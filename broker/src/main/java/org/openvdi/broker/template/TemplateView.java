package org.openvdi.broker.template;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A template with its versions, newest last. */
public record TemplateView(UUID id, String name, int vcpus, int memoryMiB, Instant registeredAt, List<Version> versions) {

    /** One published version of the golden image. */
    public record Version(int version, String imagePath, String sha256, String format, long sizeBytes, boolean retired,
                          Instant publishedAt) {
    }
}
