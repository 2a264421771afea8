package org.openvdi.broker.libvirt;

import org.openvdi.broker.hosturi.HostUriPolicy;
import org.openvdi.broker.hypervisor.DisplayProbe;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hypervisor port's adapter: hypervisors are reached through libvirt; displays are checked with
 * a real RFB handshake. The wiring lives next to the adapter, so the port does not know its adapter.
 */
@Configuration(proxyBeanMethods = false)
class LibvirtConfiguration {

    @Bean(destroyMethod = "close")
    LibvirtHypervisor hypervisor(LibvirtSettings settings, HostUriPolicy uris) {
        return new LibvirtHypervisor(settings, uris);
    }

    @Bean
    DisplayProbe displayProbe() {
        return (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
    }
}
