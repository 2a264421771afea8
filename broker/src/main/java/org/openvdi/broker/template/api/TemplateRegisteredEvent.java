package org.openvdi.broker.template.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.templates.descriptor.TemplateDescriptor;

/**
 * A template was registered.
 *
 * @param descriptor what its desktops are (revision 2); null in events recorded before revision 2, which
 *                   {@link #descriptorOrShortForm()} reads as the short form: disk boot on the default network
 */
@Revision("2")
public record TemplateRegisteredEvent(UUID templateId, String name, int vcpus, int memoryMiB, String registeredBy,
                                      TemplateDescriptor descriptor) {

    /** The descriptor, or for an event recorded before descriptors existed, the one its short form means. */
    public TemplateDescriptor descriptorOrShortForm() {
        return descriptor != null ? descriptor : TemplateDescriptor.shortForm(name, vcpus, memoryMiB);
    }
}
