package org.openvdi.broker.demo;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.api.RegisterHostCommand;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.api.CreatePoolCommand;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.template.TemplateDescriptors;
import org.openvdi.broker.template.TemplatePublisher;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateView;
import org.openvdi.templates.descriptor.TemplateDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * In the demo profile, registers the local KVM host, registers the demo template from its descriptor file
 * (the tiny template's short form without one), publishes its image with the checksum of its build manifest,
 * and creates a floating pool for alice and bob, once: what exists already is left as it is. The tiny
 * template's pool is "Demo desktops"; another template's is named after it, so switching the demo to another
 * desktop ({@code ./vdi up --desktop NAME}) on the same data directory adds a pool instead of changing one.
 */
@Component
@Profile("demo")
class DemoSetup {

    private static final Logger log = LoggerFactory.getLogger(DemoSetup.class);
    static final String HOST = "local-kvm";
    static final String TINY_TEMPLATE = "Tiny desktop";
    static final String POOL = "Demo desktops";

    private final DemoProperties properties;
    private final AuditedCommands commands;
    private final HostQueries hosts;
    private final TemplateQueries templates;
    private final TemplateDescriptors descriptors;
    private final TemplatePublisher publisher;
    private final PoolQueries pools;

    DemoSetup(DemoProperties properties, AuditedCommands commands, HostQueries hosts, TemplateQueries templates,
              TemplateDescriptors descriptors, TemplatePublisher publisher, PoolQueries pools) {
        this.properties = properties;
        this.commands = commands;
        this.hosts = hosts;
        this.templates = templates;
        this.descriptors = descriptors;
        this.publisher = publisher;
        this.pools = pools;
    }

    @EventListener(ApplicationReadyEvent.class)
    void setUp() {
        if (!properties.enabled() || properties.image() == null) {
            return;
        }
        if (!hosts.nameTaken(HOST)) {
            commands.system(new RegisterHostCommand(UUID.randomUUID(), HOST, properties.hostUri(),
                    VirtType.valueOf(properties.virtType().toUpperCase()), properties.hostMaxDesktops(), "openvdi",
                    "127.0.0.1"));
        }
        TemplateDescriptor descriptor = properties.descriptor() == null
                ? TemplateDescriptor.shortForm(TINY_TEMPLATE, 1, 256)
                : descriptors.readFile(Path.of(properties.descriptor()));
        TemplateView template = templates.all().stream().filter(t -> t.name().equals(descriptor.name())).findFirst()
                .orElseGet(() -> publisher.register(descriptor, AuditedCommands.SYSTEM));
        if (template.versions().isEmpty()) {
            publisher.publish(template.id(), properties.image(), properties.imageSha256(), properties.imageFormat(),
                    AuditedCommands.SYSTEM);
        }
        String pool = poolName(descriptor.name());
        if (pools.all().stream().noneMatch(p -> p.name().equals(pool))) {
            commands.system(new CreatePoolCommand(UUID.randomUUID(), pool, template.id(), 1, PoolType.FLOATING,
                    PowerPolicy.KEEP_RUNNING, properties.minSpare(), properties.maxSize(),
                    Set.copyOf(properties.poolUsers()), Set.of()));
        }
        log.info("Demo ready: host '{}', template '{}' ({} vCPUs, {} MiB), pool '{}'", HOST, descriptor.name(),
                descriptor.hardware().vcpus(), descriptor.hardware().memoryMiB(), pool);
    }

    /** "Demo desktops" for the tiny template, "Demo desktops (NAME)" for another. */
    static String poolName(String templateName) {
        return templateName.equals(TINY_TEMPLATE) ? POOL : POOL + " (" + templateName + ")";
    }
}
