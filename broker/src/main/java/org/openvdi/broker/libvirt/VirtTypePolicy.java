package org.openvdi.broker.libvirt;

import java.net.URI;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.templates.xml.DomainType;
import org.w3c.dom.Document;

/**
 * Decides the domain type desktops of a host are defined with.
 *
 * <p>Test-driver URIs always get {@code test}. {@code QEMU} means software emulation. {@code KVM}
 * requires libvirt to offer kvm. {@code AUTO} takes kvm only when libvirt offers it <em>and</em>
 * {@link LibvirtSettings#kvmTrusted()} says such hosts really boot KVM guests; otherwise qemu.
 * libvirt offers kvm whenever /dev/kvm exists, which proves nothing under nested virtualization:
 * on the machines this project is built on, a KVM guest hangs before its kernel prints, while
 * TCG boots the same guest in seconds. Test-booting a guest per host would settle it, but is slow
 * and needs a bootable image, so the operator decides instead.
 */
final class VirtTypePolicy {

    private final boolean kvmTrusted;

    VirtTypePolicy(boolean kvmTrusted) {
        this.kvmTrusted = kvmTrusted;
    }

    /** Whether {@code uri} addresses libvirt's in-memory test driver ({@code test:///default} and the like). */
    static boolean isTestDriver(String uri) {
        String scheme = URI.create(uri).getScheme();
        return scheme != null && (scheme.equals("test") || scheme.startsWith("test+"));
    }

    DomainType effectiveType(HostTarget host, Connect connect) throws LibvirtException {
        if (isTestDriver(host.uri())) {
            return DomainType.TEST;
        }
        return switch (host.virtType()) {
            case QEMU -> DomainType.QEMU;
            case KVM -> {
                if (!offersKvm(connect.getCapabilities())) {
                    throw new HypervisorException("host " + host.hostId() + " is set to kvm, but libvirt offers no kvm domains", false);
                }
                yield DomainType.KVM;
            }
            case AUTO -> kvmTrusted && offersKvm(connect.getCapabilities()) ? DomainType.KVM : DomainType.QEMU;
        };
    }

    static boolean offersKvm(String capabilitiesXml) {
        Document capabilities = LibvirtXmlParser.parse(capabilitiesXml);
        try {
            Double count = (Double) XPathFactory.newInstance().newXPath()
                    .evaluate("count(/capabilities/guest/arch/domain[@type='kvm'])", capabilities, XPathConstants.NUMBER);
            return count > 0;
        } catch (XPathExpressionException e) {
            throw new IllegalStateException("fixed XPath expression failed", e);
        }
    }
}
