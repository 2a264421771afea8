package org.openvdi.broker.hypervisor;

import org.openvdi.broker.libvirt.LibvirtHypervisor;
import org.openvdi.broker.libvirt.LibvirtSettings;
import org.openvdi.broker.libvirt.RfbProbe;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Hypervisors are reached through libvirt; displays are checked with a real RFB handshake. */
@Configuration(proxyBeanMethods = false)
class HypervisorConfiguration {

    @Bean(destroyMethod = "close")
    LibvirtHypervisor hypervisor(LibvirtSettings settings) {
        return new LibvirtHypervisor(settings);
    }

    @Bean
    DisplayProbe displayProbe() {
        return (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
    }
}
