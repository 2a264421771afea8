package org.openvdi.broker.demo;

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
import org.openvdi.broker.template.TemplatePublisher;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Profile;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * In the demo profile, registers the local KVM host, publishes the tiny desktop template and
 * creates a floating pool for alice and bob, once: what exists already is left as it is.
 */
@Component
@Profile("demo")
class DemoSetup {

    private static final Logger log = LoggerFactory.getLogger(DemoSetup.class);
    static final String HOST = "local-kvm";
    static final String TEMPLATE = "Tiny desktop";
    static final String POOL = "Demo desktops";

    private final DemoProperties properties;
    private final AuditedCommands commands;
    private final HostQueries hosts;
    private final TemplateQueries templates;
    private final TemplatePublisher publisher;
    private final PoolQueries pools;

    DemoSetup(DemoProperties properties, AuditedCommands commands, HostQueries hosts, TemplateQueries templates,
              TemplatePublisher publisher, PoolQueries pools) {
        this.properties = properties;
        this.commands = commands;
        this.hosts = hosts;
        this.templates = templates;
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
                    VirtType.valueOf(properties.virtType().toUpperCase()), 8, "openvdi", "127.0.0.1"));
        }
        TemplateView template = templates.all().stream().filter(t -> t.name().equals(TEMPLATE)).findFirst()
                .orElseGet(() -> publisher.register(TEMPLATE, 1, 256, AuditedCommands.SYSTEM));
        if (template.versions().isEmpty()) {
            publisher.publish(template.id(), properties.image(), AuditedCommands.SYSTEM);
        }
        if (pools.all().stream().noneMatch(p -> p.name().equals(POOL))) {
            commands.system(new CreatePoolCommand(UUID.randomUUID(), POOL, template.id(), 1, PoolType.FLOATING,
                    PowerPolicy.KEEP_RUNNING, 1, 4, Set.copyOf(properties.poolUsers()), Set.of()));
        }
        log.info("Demo ready: host '{}', template '{}', pool '{}'", HOST, TEMPLATE, POOL);
    }
}
