package org.openvdi.broker.rollout;

import java.util.Set;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.DesktopQueries;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.rollout.api.RecordImageDeletedCommand;
import org.openvdi.broker.rollout.api.RolloutState;
import org.openvdi.broker.store.ClusterLock;
import org.openvdi.broker.template.TemplateQueries;
import org.openvdi.broker.template.TemplateView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes the image a completed rollout moved away from, host by host, once no pool is on that version or moving
 * to it and no desktop on the host uses it; each deletion is an event of the rollout. Until then the image stays
 * on the hosts, so a rollback needs no upload.
 */
@Component
class ImageCleanupProcess {

    private static final Logger log = LoggerFactory.getLogger(ImageCleanupProcess.class);

    private final RolloutQueries rollouts;
    private final PoolQueries pools;
    private final DesktopQueries desktops;
    private final HostQueries hosts;
    private final TemplateQueries templates;
    private final Hypervisor hypervisor;
    private final AuditedCommands commands;
    private final ClusterLock lock;

    ImageCleanupProcess(RolloutQueries rollouts, PoolQueries pools, DesktopQueries desktops, HostQueries hosts,
                        TemplateQueries templates, Hypervisor hypervisor, AuditedCommands commands, ClusterLock lock) {
        this.rollouts = rollouts;
        this.pools = pools;
        this.desktops = desktops;
        this.hosts = hosts;
        this.templates = templates;
        this.hypervisor = hypervisor;
        this.commands = commands;
        this.lock = lock;
    }

    @Scheduled(fixedDelayString = "${openvdi.rollout.image-cleanup-interval:10000}", initialDelayString = "${openvdi.rollout.initial-delay:2000}")
    void sweep() {
        lock.runExclusively("rollout images", () -> rollouts.finished().stream()
                .filter(r -> r.state() == RolloutState.COMPLETED).forEach(this::clean));
    }

    void clean(RolloutView rollout) {
        int version = rollout.fromVersion();
        if (version == rollout.toVersion() || stillWanted(rollout, version)) {
            return;
        }
        TemplateView.Version image = templates.version(rollout.templateId(), version).orElse(null);
        if (image == null) {
            return;
        }
        ImageSpec spec = new ImageSpec(image.imagePath(), image.sha256(), image.format(), image.sizeBytes());
        Set<java.util.UUID> done = rollouts.imageDeletedOn(rollout.id());
        for (HostView host : hosts.all()) {
            if (host.state() != HostState.UP || done.contains(host.id())
                    || desktops.countOnVersion(rollout.templateId(), version, null, host.id()) > 0) {
                continue;
            }
            try {
                if (!hypervisor.hasImage(host.target(), spec)) {
                    continue;
                }
                hypervisor.deleteImage(host.target(), spec);
                commands.system(new RecordImageDeletedCommand(rollout.id(), host.id(), rollout.templateId(), version,
                        image.sha256()));
                log.info("Image of version {} deleted from host {} after rollout {}", version, host.name(), rollout.id());
            } catch (HypervisorException e) {
                log.warn("Image of version {} not deleted from host {} yet: {}", version, host.name(), e.getMessage());
            }
        }
    }

    /** A pool of the template is on the version, or a rollout is taking one there. */
    private boolean stillWanted(RolloutView rollout, int version) {
        boolean onIt = pools.onTemplate(rollout.templateId()).stream().anyMatch(p -> p.templateVersion() == version);
        boolean movingTo = rollouts.active().stream()
                .anyMatch(r -> r.templateId().equals(rollout.templateId()) && r.toVersion() == version);
        return onIt || movingTo;
    }
}
