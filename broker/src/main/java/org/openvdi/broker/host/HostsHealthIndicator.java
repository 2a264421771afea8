package org.openvdi.broker.host;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openvdi.broker.hypervisor.HostFacts;
import org.openvdi.broker.hypervisor.Hypervisor;
import org.openvdi.broker.hypervisor.ReasonText;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of every host's libvirt connection. The broker stays UP while any host answers (or none
 * is registered); each host's own state is in the details.
 */
@Component("hosts")
class HostsHealthIndicator implements HealthIndicator {

    private final HostQueries hosts;
    private final Hypervisor hypervisor;

    HostsHealthIndicator(HostQueries hosts, Hypervisor hypervisor) {
        this.hosts = hosts;
        this.hypervisor = hypervisor;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        int reachable = 0;
        for (HostView host : hosts.all()) {
            try {
                HostFacts facts = hypervisor.probe(host.target());
                details.put(host.name(), Map.of("status", "UP", "driver", facts.driver(), "virtType", facts.effectiveVirtType(),
                        "desktops", host.activeDesktops(), "maxDesktops", host.maxDesktops(), "cordoned", host.cordoned()));
                reachable++;
            } catch (RuntimeException e) {
                details.put(host.name(), Map.of("status", "DOWN", "error", ReasonText.clean(e.getMessage())));
            }
        }
        return (details.isEmpty() || reachable > 0 ? Health.up() : Health.down()).withDetails(details).build();
    }
}
