package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RfbProbeTest {

    private final RfbProbe probe = new RfbProbe(Duration.ofMillis(500), Duration.ofMillis(500));
    private final CountDownLatch release = new CountDownLatch(1);
    private ServerSocket server;

    @BeforeEach
    void openServer() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeServer() throws IOException {
        release.countDown();
        server.close();
    }

    @Test
    void givenVncServer_whenProbed_thenTrue() {
        serveOnce("RFB 003.008\n");

        assertThat(probe.answers("127.0.0.1", server.getLocalPort())).isTrue();
    }

    @Test
    void givenOlderRfbVersion_whenProbed_thenTrue() {
        serveOnce("RFB 003.003\n");

        assertThat(probe.answers("127.0.0.1", server.getLocalPort())).isTrue();
    }

    @Test
    void givenServerSpeakingAnotherProtocol_whenProbed_thenFalse() {
        serveOnce("HTTP/1.1 400 Bad Request\r\n");

        assertThat(probe.answers("127.0.0.1", server.getLocalPort())).isFalse();
    }

    @Test
    void givenServerThatClosesAfterAPartialGreeting_whenProbed_thenFalse() {
        serveOnce("RFB 003");

        assertThat(probe.answers("127.0.0.1", server.getLocalPort())).isFalse();
    }

    @Test
    void givenSilentServer_whenProbed_thenFalseWithinTheReadTimeout() {
        serveOnce("");
        long started = System.nanoTime();

        assertThat(probe.answers("127.0.0.1", server.getLocalPort())).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void givenNothingListening_whenProbed_thenFalse() throws IOException {
        int port = server.getLocalPort();
        server.close();

        assertThat(probe.answers("127.0.0.1", port)).isFalse();
    }

    @Test
    void givenInvalidPortOrTimeout_whenUsed_thenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> probe.answers("127.0.0.1", 0));
        assertThatIllegalArgumentException().isThrownBy(() -> probe.answers("127.0.0.1", 70_000));
        assertThatIllegalArgumentException().isThrownBy(() -> new RfbProbe(Duration.ZERO, Duration.ofSeconds(1)));
    }

    /** Accepts one connection, writes {@code greeting}, then holds the connection open until the test ends. */
    private void serveOnce(String greeting) {
        Thread thread = new Thread(() -> {
            try (Socket client = server.accept()) {
                OutputStream out = client.getOutputStream();
                out.write(greeting.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (greeting.length() >= 12 || greeting.isEmpty()) {
                    release.await(5, TimeUnit.SECONDS);
                }
            } catch (IOException e) {
                // the server socket is closed when the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fake-vnc-server");
        thread.setDaemon(true);
        thread.start();
    }
}
