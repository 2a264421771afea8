package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.templates.xml.LibvirtNames;

/**
 * The inventory on libvirt's test driver (shared by every test:///default connection of this JVM, so counts are
 * taken as differences and each test uses fresh ids): a domain's XML is parsed again only when its text changed.
 */
class MachineInventoryTest {

    private final String hostId = "inventory-" + UUID.randomUUID();
    private final String id = UUID.randomUUID().toString();
    private final MachineInventory inventory = new MachineInventory();
    private Connect connect;

    @BeforeEach
    void connect() throws Exception {
        connect = new Connect("test:///default");
    }

    @AfterEach
    void undefine() throws Exception {
        try {
            connect.domainLookupByName("vdi-" + id).undefine();
        } finally {
            connect.close();
        }
    }

    @Test
    void givenAnUnchangedDomain_whenInventoriedAgain_thenItsXmlIsNotParsedAgainAndTheAnswerIsTheSame() throws Exception {
        define(id, hostId, "first");
        List<ManagedMachine> first = inventory.list(connect, hostId, Optional.empty());
        long parsed = inventory.parses();

        List<ManagedMachine> second = inventory.list(connect, hostId, Optional.empty());

        assertThat(inventory.parses()).isEqualTo(parsed);
        assertThat(second).isEqualTo(first);
        assertThat(second).extracting(ManagedMachine::desktopId).contains(id);
    }

    @Test
    void givenADomainWhoseXmlChanged_whenInventoriedAgain_thenOnlyItIsParsedAgainAndItsNewMetadataCounts() throws Exception {
        define(id, hostId, "first");
        assertThat(inventory.list(connect, hostId, Optional.empty())).extracting(ManagedMachine::desktopId).contains(id);
        long parsed = inventory.parses();

        define(id, "another-host", "second");
        List<ManagedMachine> after = inventory.list(connect, hostId, Optional.empty());

        assertThat(inventory.parses()).isEqualTo(parsed + 1);
        assertThat(after).extracting(ManagedMachine::desktopId).doesNotContain(id);
    }

    @Test
    void givenTwoHostsOnOneLibvirt_whenEachIsInventoried_thenEachKeepsItsOwnAnswer() throws Exception {
        define(id, hostId, "first");
        String otherHost = "inventory-" + UUID.randomUUID();

        assertThat(inventory.list(connect, hostId, Optional.empty())).extracting(ManagedMachine::desktopId).contains(id);
        assertThat(inventory.list(connect, otherHost, Optional.empty())).extracting(ManagedMachine::desktopId).doesNotContain(id);
        assertThat(inventory.list(connect, hostId, Optional.empty())).extracting(ManagedMachine::desktopId).contains(id);
    }

    @Test
    void givenADomainWithoutOurMetadata_whenInventoriedTwice_thenItIsIgnoredBothTimes() throws Exception {
        connect.domainDefineXML("<domain type='test'><name>vdi-" + id + "</name><memory>65536</memory>"
                + "<os><type>hvm</type></os></domain>");

        assertThat(inventory.list(connect, hostId, Optional.empty())).extracting(ManagedMachine::desktopId).doesNotContain(id);
        assertThat(inventory.list(connect, hostId, Optional.empty())).extracting(ManagedMachine::desktopId).doesNotContain(id);
    }

    private void define(String desktopId, String host, String description) throws Exception {
        connect.domainDefineXML("<domain type='test'><name>vdi-" + desktopId + "</name><uuid>" + desktopId + "</uuid>"
                + "<description>" + description + "</description>"
                + "<metadata><" + LibvirtNames.METADATA_PREFIX + ":" + LibvirtNames.METADATA_ELEMENT + " xmlns:"
                + LibvirtNames.METADATA_PREFIX + "='" + LibvirtNames.METADATA_NAMESPACE + "' id='" + desktopId
                + "' host='" + host + "'/></metadata>"
                + "<memory>65536</memory><os><type>hvm</type></os></domain>");
    }
}
