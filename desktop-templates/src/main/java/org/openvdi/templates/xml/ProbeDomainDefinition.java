package org.openvdi.templates.xml;

import java.util.Objects;

/**
 * The acceleration probe of one host: a guest of the given type that has nothing to boot.
 *
 * @param hostId the broker's id of the host (a UUID); the domain is named {@code vdi-probe-<hostId>}
 * @param type   the domain type under test; {@link DomainType#TEST} runs nothing and has nothing to probe
 */
public record ProbeDomainDefinition(String hostId, DomainType type) {

    public ProbeDomainDefinition {
        hostId = LibvirtNames.requireHostId(hostId);
        Objects.requireNonNull(type, "type");
        if (!type.runsQemu()) {
            throw new IllegalArgumentException("only domain types that run QEMU can be probed");
        }
    }

    /** {@code vdi-probe-<hostId>}. */
    public String domainName() {
        return LibvirtNames.probeDomainName(hostId);
    }
}
