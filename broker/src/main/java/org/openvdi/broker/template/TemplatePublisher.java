package org.openvdi.broker.template;

import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.template.api.PublishTemplateVersionCommand;
import org.openvdi.broker.template.api.RegisterTemplateCommand;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.springframework.stereotype.Component;

/** Registers templates and publishes their versions, with the checksum computed from the image itself. */
@Component
public class TemplatePublisher {

    private final AuditedCommands commands;
    private final TemplateQueries templates;
    private final ImageInspector inspector;

    TemplatePublisher(AuditedCommands commands, TemplateQueries templates, ImageInspector inspector) {
        this.commands = commands;
        this.templates = templates;
        this.inspector = inspector;
    }

    /** Registers a template given in the short form (disk boot on the default network). */
    public TemplateView register(String name, int vcpus, int memoryMiB, String actor) {
        return register(TemplateDescriptor.shortForm(name, vcpus, memoryMiB), actor);
    }

    public TemplateView register(TemplateDescriptor descriptor, String actor) {
        if (templates.nameTaken(descriptor.name())) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A template with that name exists");
        }
        UUID id = UUID.randomUUID();
        commands.send(new RegisterTemplateCommand(id, descriptor), actor);
        return templates.find(id).orElseThrow();
    }

    public TemplateView.Version publish(UUID templateId, String imagePath, String actor) {
        templates.find(templateId)
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_NOT_FOUND, "No template " + templateId));
        ImageInspector.Inspection image = inspector.inspect(imagePath);
        int version = commands.send(new PublishTemplateVersionCommand(templateId, image.path().toString(), image.sha256(),
                image.format(), image.sizeBytes()), actor);
        return templates.version(templateId, version).orElseThrow();
    }
}
