package org.openvdi.broker.libvirt;

import java.net.URI;
import java.util.Optional;
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
 * requires libvirt to offer kvm. {@code AUTO} is never guessed: libvirt offers kvm whenever /dev/kvm
 * exists, which proves nothing under nested virtualization, so a host set to auto gets its type from
 * an {@link AccelerationProbe}, and until the probe has decided nothing is defined on it.
 */
final class VirtTypePolicy {

    /** Whether {@code uri} addresses libvirt's in-memory test driver ({@code test:///default} and the like). */
    static boolean isTestDriver(String uri) {
        String scheme = URI.create(uri).getScheme();
        return scheme != null && (scheme.equals("test") || scheme.startsWith("test+"));
    }

    /** The domain type to define desktops with; throws a retryable exception while an auto host is undecided. */
    DomainType effectiveType(HostTarget host, Connect connect) throws LibvirtException {
        return decidedType(host, connect).orElseThrow(() -> new HypervisorException("host " + host.hostId()
                + " is set to auto and its acceleration probe has not decided yet", true));
    }

    /** The domain type to define desktops with, or empty while an auto host's probe has not decided. */
    Optional<DomainType> decidedType(HostTarget host, Connect connect) throws LibvirtException {
        if (isTestDriver(host.uri())) {
            return Optional.of(DomainType.TEST);
        }
        return switch (host.virtType()) {
            case QEMU -> Optional.of(DomainType.QEMU);
            case KVM -> {
                if (!offers(connect.getCapabilities(), DomainType.KVM)) {
                    throw new HypervisorException("host " + host.hostId() + " is set to kvm, but libvirt offers no kvm domains", false);
                }
                yield Optional.of(DomainType.KVM);
            }
            case AUTO -> Optional.empty();
        };
    }

    /** Whether the capabilities XML offers guests of that domain type. */
    static boolean offers(String capabilitiesXml, DomainType type) {
        Document capabilities = LibvirtXmlParser.parse(capabilitiesXml);
        try {
            Double count = (Double) XPathFactory.newInstance().newXPath().evaluate(
                    "count(/capabilities/guest/arch/domain[@type='" + type.xmlName() + "'])", capabilities, XPathConstants.NUMBER);
            return count > 0;
        } catch (XPathExpressionException e) {
            throw new IllegalStateException("fixed XPath expression failed", e);
        }
    }
}
