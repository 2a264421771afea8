package org.openvdi.broker.pool;

import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.desktop.api.RequestDesktopProvisioningCommand;
import org.openvdi.broker.host.HostQueries;
import org.openvdi.broker.host.HostView;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Keeps every pool at its spare target by requesting desktops on the host with the most free capacity. */
@Component
class SpareCapacityProcess {

    private static final Logger log = LoggerFactory.getLogger(SpareCapacityProcess.class);

    private final PoolQueries pools;
    private final SpareCapacityPolicy policy;
    private final HostQueries hosts;
    private final AuditedCommands commands;
    private final ClusterLock lock;

    SpareCapacityProcess(PoolQueries pools, SpareCapacityPolicy policy, HostQueries hosts, AuditedCommands commands,
                         ClusterLock lock) {
        this.pools = pools;
        this.policy = policy;
        this.hosts = hosts;
        this.commands = commands;
        this.lock = lock;
    }

    @Scheduled(fixedDelayString = "${openvdi.capacity.interval:1000}", initialDelayString = "${openvdi.capacity.initial-delay:2000}")
    void keepSpares() {
        // a pool being deleted gets no new desktops
        lock.runExclusively("capacity", () -> pools.all().stream().filter(PoolView::active).forEach(this::fill));
    }

    private void fill(PoolView pool) {
        for (SpareCapacityPolicy.Need need : policy.needs(pool)) {
            Optional<HostView> host = hosts.placement();
            if (host.isEmpty()) {
                log.debug("Pool {} needs desktops but no host accepts any", pool.name());
                return;
            }
            UUID desktopId = UUID.randomUUID();
            commands.system(new RequestDesktopProvisioningCommand(desktopId, pool.id(), host.get().id(), pool.templateId(),
                    pool.templateVersion(), need.owner()));
            log.info("Pool {}: provisioning desktop {} on host {}", pool.name(), desktopId, host.get().name());
        }
    }
}
