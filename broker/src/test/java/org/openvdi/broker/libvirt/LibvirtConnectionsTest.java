package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.event.ConnectionCloseReason;
import org.openvdi.broker.hosturi.HostUriPolicy;
import org.openvdi.broker.hosturi.HostUriSettings;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.HypervisorFailure;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;

class LibvirtConnectionsTest {

    private static final String URI = "test:///default";

    private final LibvirtConnections connections = new LibvirtConnections();

    @AfterEach
    void closeAll() {
        connections.close();
    }

    @Test
    void givenOpenConnection_whenAskedAgain_thenTheSameConnectionIsReused() {
        Connect first = connections.connect(URI);

        assertThat(connections.connect(URI)).isSameAs(first);
    }

    @Test
    void givenDiscardedConnection_whenAskedAgain_thenANewOneIsOpenedAndObserversHeardTheLoss() throws Exception {
        List<ConnectionCloseReason> heard = new ArrayList<>();
        AutoCloseable subscription = connections.onClose(URI, heard::add);
        Connect broken = connections.connect(URI);

        connections.discard(URI, broken);
        connections.discard(URI, broken);

        assertThat(heard).containsExactly(ConnectionCloseReason.ERROR);
        assertThat(connections.connect(URI)).isNotSameAs(broken);
        subscription.close();
        connections.discard(URI, connections.connect(URI));
        assertThat(heard).hasSize(1);
    }

    @Test
    void givenWatch_whenItsConnectionIsLost_thenListenerHearsConnectionLostForTheHost() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        LifecycleWatch watch = new LifecycleWatch(connections);
        AutoCloseable handle = watch.watch(URI, "host-1", (hostId, desktopId, event) -> heard.add(hostId + " " + desktopId + " " + event));

        connections.discard(URI, connections.connect(URI));

        assertThat(heard).containsExactly("host-1 null " + MachineEvent.CONNECTION_LOST);
        handle.close();
    }

    @Test
    void givenUnreachableDaemon_whenConnecting_thenRetryableFailure() {
        assertThatThrownBy(() -> connections.connect("qemu+tcp://127.0.0.1:1/system"))
                .isInstanceOfSatisfying(HypervisorException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.failure()).isEqualTo(HypervisorFailure.CONNECTION_FAILED);
                })
                .hasMessageContaining("connecting to libvirt failed");
    }

    @Test
    void givenUriWithSocketOrCommand_whenConnecting_thenRefusedBeforeLibvirtIsAsked() {
        for (String uri : List.of("qemu:///system?socket=/nonexistent/openvdi-test.sock",
                "qemu+ssh://127.0.0.1/system?command=/bin/false", "test:///etc/shadow")) {
            assertThatThrownBy(() -> connections.connect(uri)).as(uri)
                    .isInstanceOfSatisfying(HypervisorException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.failure()).isEqualTo(HypervisorFailure.URI_NOT_ALLOWED);
                    });
        }
    }

    @Test
    void givenTestDriverFileQuotingASecret_whenConnecting_thenTheFailureNamesTheKindButNotTheFile(@TempDir Path directory)
            throws IOException {
        Path malformed = Files.writeString(directory.resolve("host.xml"), "root:$6$SECRET-4711:19000::\n\u202emore\n");
        LibvirtConnections confined = new LibvirtConnections(
                new HostUriPolicy(new HostUriSettings(false, false, null, null, directory)));

        assertThatThrownBy(() -> confined.connect("test://" + malformed))
                .isInstanceOfSatisfying(HypervisorException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("SECRET", "root:", "\u202e", "\n", "host.xml")
                            .hasSizeLessThanOrEqualTo(200).startsWith("connecting to libvirt failed: ").contains("VIR_ERR_");
                    assertThat(e.getCause()).isNull();
                });
        confined.close();
    }
}
