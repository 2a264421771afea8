package org.openvdi.broker.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openvdi.templates.descriptor.TemplateDescriptor;

/** {@code template_view.descriptor}: the template's descriptor as JSON, written and read only by this feature. */
final class DescriptorColumn {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DescriptorColumn() {
    }

    static String write(TemplateDescriptor descriptor) {
        try {
            return JSON.writeValueAsString(descriptor);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a descriptor could not be written as JSON", e);
        }
    }

    static TemplateDescriptor read(String stored) {
        try {
            return JSON.readValue(stored, TemplateDescriptor.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored descriptor is unreadable", e);
        }
    }
}
