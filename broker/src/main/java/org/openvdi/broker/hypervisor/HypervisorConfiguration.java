package org.openvdi.broker.hypervisor;

import java.nio.file.Path;
import java.time.Duration;
import org.openvdi.broker.libvirt.LibvirtHypervisor;
import org.openvdi.broker.libvirt.LibvirtSettings;
import org.openvdi.broker.libvirt.RfbProbe;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Hypervisors are reached through libvirt; displays are checked with a real RFB handshake. */
@Configuration(proxyBeanMethods = false)
class HypervisorConfiguration {

    @Bean(destroyMethod = "close")
    LibvirtHypervisor hypervisor(@Value("${openvdi.libvirt.pool-root:/var/lib/openvdi/pools}") Path poolRoot,
                                 @Value("${openvdi.libvirt.probe-timeout:15s}") Duration probeTimeout) {
        return new LibvirtHypervisor(new LibvirtSettings(poolRoot, probeTimeout));
    }

    @Bean
    DisplayProbe displayProbe() {
        return (endpoint, timeout) -> new RfbProbe(timeout, timeout).answers(endpoint.host(), endpoint.port());
    }
}
