package org.openvdi.broker.template;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.template.api.DeleteTemplateCommand;
import org.openvdi.broker.template.api.PublishTemplateVersionCommand;
import org.openvdi.broker.template.api.RegisterTemplateCommand;
import org.openvdi.broker.template.api.RetireTemplateVersionCommand;
import org.openvdi.broker.template.api.TemplateDeletedEvent;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.template.api.TemplateVersionRetiredEvent;
import org.openvdi.templates.descriptor.TemplateDescriptor;

/** A golden image and its numbered versions. */
@Aggregate
class Template {

    @AggregateIdentifier
    private UUID templateId;
    private int latestVersion;
    private final Set<Integer> retired = new HashSet<>();

    Template() {
    }

    @CommandHandler
    Template(RegisterTemplateCommand command, @MetaDataValue("user") String user) {
        TemplateDescriptor descriptor = command.descriptor();
        if (descriptor == null || descriptor.hardware().vcpus() < 1 || descriptor.hardware().memoryMiB() < 16) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "A template needs at least 1 vCPU and 16 MiB");
        }
        apply(new TemplateRegisteredEvent(command.templateId(), descriptor.name(), descriptor.hardware().vcpus(),
                descriptor.hardware().memoryMiB(), user, descriptor));
    }

    /** Publishes the next version and answers its number. */
    @CommandHandler
    int handle(PublishTemplateVersionCommand command, @MetaDataValue("user") String user) {
        if (command.sha256() == null || !command.sha256().matches("[0-9a-f]{64}")) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "The checksum must be 64 lower-case hex digits");
        }
        int version = latestVersion + 1;
        apply(new TemplateVersionPublishedEvent(templateId, version, command.imagePath(), command.sha256(),
                command.format(), command.sizeBytes(), user));
        return version;
    }

    @CommandHandler
    void handle(RetireTemplateVersionCommand command, @MetaDataValue("user") String user) {
        if (command.version() < 1 || command.version() > latestVersion) {
            throw new BrokerException(ErrorCode.TEMPLATE_VERSION_NOT_FOUND, "No version " + command.version());
        }
        if (!retired.contains(command.version())) {
            apply(new TemplateVersionRetiredEvent(templateId, command.version(), user));
        }
    }

    /** Whether anything still uses the template is the caller's question (see TemplateUsage). */
    @CommandHandler
    void handle(DeleteTemplateCommand command, @MetaDataValue("user") String user) {
        apply(new TemplateDeletedEvent(templateId, user));
    }

    @EventSourcingHandler
    void on(TemplateDeletedEvent event) {
        markDeleted();
    }

    @EventSourcingHandler
    void on(TemplateRegisteredEvent event) {
        templateId = event.templateId();
    }

    @EventSourcingHandler
    void on(TemplateVersionPublishedEvent event) {
        latestVersion = event.version();
    }

    @EventSourcingHandler
    void on(TemplateVersionRetiredEvent event) {
        retired.add(event.version());
    }
}
