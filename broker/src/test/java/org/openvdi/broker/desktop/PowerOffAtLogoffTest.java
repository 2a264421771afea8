package org.openvdi.broker.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * A persistent pool that powers its desktops off when idle, on libvirt's test driver: the desktop
 * is powered off after its session (and neither the lifecycle watch nor reconciliation takes that
 * for a lost VM), and its user's next request powers the same desktop on again. A desktop whose disk
 * vanished meanwhile is lost, never started on a fresh empty clone.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.reconcile.interval=300", "openvdi.test.scenario=power-off-when-idle",
        "openvdi.kafka.enabled=false"})
class PowerOffAtLogoffTest {

    @LocalServerPort
    int port;

    @Test
    void givenPersistentDesktopPoweringOffWhenIdle_whenSessionEndsAndUserComesBack_thenSameDesktopIsPoweredOffThenOn()
            throws LibvirtException, InterruptedException {
        AdminScenario scenario = new AdminScenario(port);
        ApiClient alice = new ApiClient(port, "alice", "demo");
        scenario.host("persistent-" + UUID.randomUUID(), "test:///default", 5);
        String pool = scenario.pool("persistent-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()),
                "PERSISTENT", "POWER_OFF_AT_LOGOFF", 1, 3, "alice");
        await().atMost(Duration.ofSeconds(30)).until(() -> scenario.inState(pool, "READY").size() == 1);
        JsonNode first = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json();
        assertThat(first.get("state").asText()).isEqualTo("READY");
        String desktop = first.get("desktopId").asText();

        alice.delete("/api/sessions/" + first.get("id").asText());

        await().atMost(Duration.ofSeconds(10)).until(() -> state(scenario, desktop).equals("POWERED_OFF"));
        assertThat(running(desktop)).isFalse();
        Thread.sleep(2000); // several inventories and the VM's stop event have come and gone
        assertThat(state(scenario, desktop)).isEqualTo("POWERED_OFF");
        assertThat(scenario.eventTypes(desktop)).contains("DesktopPoweredOffEvent").doesNotContain("DesktopLostEvent");

        String second = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> alice.get("/api/sessions/" + second).json()
                .get("state").asText().equals("READY"));
        assertThat(alice.get("/api/sessions/" + second).json().get("desktopId").asText()).isEqualTo(desktop);
        assertThat(state(scenario, desktop)).isEqualTo("ASSIGNED");
        assertThat(scenario.desktop(desktop).get("owner").asText()).isEqualTo("alice");
        assertThat(running(desktop)).isTrue();
        assertThat(scenario.eventTypes(desktop)).containsSubsequence("DesktopAssignedEvent", "DesktopPoweredOffEvent",
                "DesktopPowerOnRequestedEvent", "DesktopStartedEvent", "DesktopBecameReadyEvent", "DesktopAssignedEvent")
                .doesNotContain("DesktopLostEvent");
    }

    @Test
    void givenPoweredOffDesktopWhoseDiskVanished_whenItsUserComesBack_thenItIsLostAndTheUserGetsANewDesktopNotAnEmptyDisk()
            throws LibvirtException {
        AdminScenario scenario = new AdminScenario(port);
        ApiClient alice = new ApiClient(port, "alice", "demo");
        scenario.host("disk-gone-" + UUID.randomUUID(), "test:///default", 5);
        String pool = scenario.pool("disk-gone-" + UUID.randomUUID(), scenario.template("t-" + UUID.randomUUID()),
                "PERSISTENT", "POWER_OFF_AT_LOGOFF", 0, 3, "alice");
        String first = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> alice.get("/api/sessions/" + first).json()
                .get("state").asText().equals("READY"));
        String desktop = alice.get("/api/sessions/" + first).json().get("desktopId").asText();
        alice.delete("/api/sessions/" + first);
        await().atMost(Duration.ofSeconds(10)).until(() -> state(scenario, desktop).equals("POWERED_OFF") && !running(desktop));
        deleteDisk(desktop);

        String second = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> alice.get("/api/sessions/" + second).json()
                .get("state").asText().equals("READY"));
        String replacement = alice.get("/api/sessions/" + second).json().get("desktopId").asText();
        assertThat(replacement).isNotEqualTo(desktop);
        assertThat(scenario.desktop(replacement).get("owner").asText()).isEqualTo("alice");
        assertThat(scenario.events(desktop, "DesktopLostEvent")).singleElement()
                .satisfies(e -> assertThat(e.at("/payload/reason").asText()).contains("disk is gone"));
        List<String> history = scenario.eventTypes(desktop);
        assertThat(history.subList(history.lastIndexOf("DesktopPowerOnRequestedEvent"), history.size()))
                .startsWith("DesktopPowerOnRequestedEvent", "DesktopLostEvent")
                .doesNotContain("DesktopVolumeClonedEvent", "DesktopStartedEvent", "DesktopPowerOnFailedEvent");
        await().atMost(Duration.ofSeconds(10)).until(() -> state(scenario, desktop).equals("DESTROYED"));
        assertThat(hasDisk(desktop)).isFalse();
    }

    private static String state(AdminScenario scenario, String desktop) {
        return scenario.desktop(desktop).get("state").asText();
    }

    private static void deleteDisk(String desktop) throws LibvirtException {
        Connect libvirt = new Connect("test:///default");
        try {
            libvirt.storagePoolLookupByName("default-pool").storageVolLookupByName("vdi-" + desktop + ".qcow2").delete(0);
        } finally {
            libvirt.close();
        }
    }

    private static boolean hasDisk(String desktop) throws LibvirtException {
        Connect libvirt = new Connect("test:///default");
        try {
            return Arrays.asList(libvirt.storagePoolLookupByName("default-pool").listVolumes())
                    .contains("vdi-" + desktop + ".qcow2");
        } finally {
            libvirt.close();
        }
    }

    private static boolean running(String desktop) throws LibvirtException {
        Connect libvirt = new Connect("test:///default");
        try {
            return libvirt.domainLookupByName("vdi-" + desktop).isActive() == 1;
        } finally {
            libvirt.close();
        }
    }
}
