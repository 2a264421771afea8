package org.openvdi.broker.template;

import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.template.api.PublishTemplateVersionCommand;
import org.openvdi.broker.template.api.RegisterTemplateCommand;
import org.openvdi.templates.descriptor.Boot;
import org.openvdi.templates.descriptor.KernelBoot;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.springframework.stereotype.Component;

/**
 * Registers templates and publishes their versions, with the checksum and format computed from the image
 * itself; a checksum or format the caller expects (from the image's build manifest) must match them.
 */
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

    /**
     * Registers a template from its descriptor. A kernel and initrd must be files inside the image directories,
     * like disk images; the template records their paths without links.
     */
    public TemplateView register(TemplateDescriptor descriptor, String actor) {
        TemplateDescriptor confined = withBootFilesConfined(descriptor);
        if (templates.nameTaken(confined.name())) {
            throw new BrokerException(ErrorCode.NAME_TAKEN, "A template with that name exists", "name");
        }
        UUID id = UUID.randomUUID();
        commands.send(new RegisterTemplateCommand(id, confined), actor);
        return templates.find(id).orElseThrow();
    }

    private TemplateDescriptor withBootFilesConfined(TemplateDescriptor descriptor) {
        KernelBoot kernel = descriptor.boot().kernel();
        if (kernel == null) {
            return descriptor;
        }
        String path = inspector.bootFile("boot.kernel", kernel.path()).toString();
        String initrd = kernel.initrd() == null ? null : inspector.bootFile("boot.initrd", kernel.initrd()).toString();
        return new TemplateDescriptor(descriptor.name(), descriptor.hardware(),
                new Boot(null, new KernelBoot(path, initrd, kernel.cmdline())), descriptor.display(), descriptor.network(),
                descriptor.guest(), descriptor.readiness(), descriptor.userDisk());
    }

    public TemplateView.Version publish(UUID templateId, String imagePath, String actor) {
        return publish(templateId, imagePath, null, null, actor);
    }

    /**
     * Publishes the image as the next version of the template.
     *
     * @param expectedSha256 the SHA-256 the image must have (hex), or null
     * @param declaredFormat the format the image must have ({@code raw} or {@code qcow2}), or null
     */
    public TemplateView.Version publish(UUID templateId, String imagePath, String expectedSha256, String declaredFormat,
                                        String actor) {
        templates.find(templateId)
                .orElseThrow(() -> new BrokerException(ErrorCode.TEMPLATE_NOT_FOUND, "No template " + templateId));
        ImageInspector.Inspection image = inspector.inspect(imagePath);
        ImageFormat.requireDeclared(declaredFormat, image.format());
        if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(image.sha256())) {
            throw new BrokerException(ErrorCode.IMAGE_CHECKSUM_MISMATCH,
                    "The image's SHA-256 is not the expected one: it changed since its manifest was written");
        }
        int version = commands.send(new PublishTemplateVersionCommand(templateId, image.path().toString(), image.sha256(),
                image.format(), image.sizeBytes()), actor);
        return templates.version(templateId, version).orElseThrow();
    }
}
