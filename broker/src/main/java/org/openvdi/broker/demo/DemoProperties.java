package org.openvdi.broker.demo;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the demo profile sets up on first start ({@code ./vdi up}, or {@code ./vdi up --desktop NAME}).
 *
 * @param hostUri      libvirt URI of the demo host
 * @param virtType     its virtualization type (auto: KVM where a probe guest shows that it really runs guests, software emulation elsewhere)
 * @param hostMaxDesktops how many desktops the demo host runs at most
 * @param descriptor   the template's descriptor file ({@code desktop-templates/NAME/template.yaml}), read with the
 *                     same checks as {@code POST /api/templates}; none: the tiny template's short form (1 vCPU, 256 MiB)
 * @param image        the image published as the demo template's first version
 * @param imageSha256  the SHA-256 the image's build manifest gives (the broker checks the image against it); none: not checked
 * @param imageFormat  the format the manifest gives ({@code raw} or {@code qcow2}); none: detected only
 * @param poolUsers    who the demo pool is entitled to
 * @param minSpare     ready desktops the demo pool keeps waiting
 * @param maxSize      desktops the demo pool has at most
 */
@ConfigurationProperties("openvdi.demo")
public record DemoProperties(@DefaultValue("true") boolean enabled,
                             @DefaultValue("qemu:///system") String hostUri,
                             @DefaultValue("AUTO") String virtType,
                             @DefaultValue("8") int hostMaxDesktops,
                             String descriptor,
                             String image,
                             String imageSha256,
                             String imageFormat,
                             @DefaultValue({"alice", "bob"}) List<String> poolUsers,
                             @DefaultValue("1") int minSpare,
                             @DefaultValue("4") int maxSize) {
}
