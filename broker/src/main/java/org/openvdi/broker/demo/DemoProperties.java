package org.openvdi.broker.demo;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the demo profile sets up on first start.
 *
 * @param hostUri      libvirt URI of the demo host
 * @param virtType     its virtualization type (auto: KVM where a probe guest shows that it really runs guests, software emulation elsewhere)
 * @param image        the tiny desktop image published as the demo template's first version
 * @param poolUsers    who the demo pool is entitled to
 */
@ConfigurationProperties("openvdi.demo")
public record DemoProperties(@DefaultValue("true") boolean enabled,
                             @DefaultValue("qemu:///system") String hostUri,
                             @DefaultValue("AUTO") String virtType,
                             String image,
                             @DefaultValue({"alice", "bob"}) List<String> poolUsers) {
}
