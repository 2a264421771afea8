package org.openvdi.broker.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openvdi.broker.AppProcess;

/**
 * HAProxy from Debian's {@code haproxy} package (scripts/host-setup.sh installs it) running the file
 * docker-compose.yml's {@code haproxy} service runs, deploy/haproxy/haproxy.cfg, with the two gateways' addresses in
 * its environment as the compose file sets them. A second file of the test's own adds what the compose topology,
 * with its single broker, does not need: one address for the gateways' calls to several brokers, with the same
 * health checks, so a gateway's redemption never depends on one broker being alive.
 */
final class Haproxy implements AutoCloseable {

    private final Path dir;
    private final int gatewaysPort;
    private final int brokersPort;
    private Process process;

    Haproxy(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir.resolve("haproxy"));
        this.gatewaysPort = AppProcess.freePort();
        this.brokersPort = AppProcess.freePort();
    }

    /** Where browsers reach the gateways. */
    int gatewaysPort() {
        return gatewaysPort;
    }

    /** Where the gateways reach the brokers. */
    int brokersPort() {
        return brokersPort;
    }

    void start(List<Integer> gatewayPorts, List<Integer> brokerPorts) throws IOException, InterruptedException {
        if (gatewayPorts.size() != 2) {
            throw new IllegalArgumentException("deploy/haproxy/haproxy.cfg names two gateways");
        }
        StringBuilder brokers = new StringBuilder("""
                frontend brokers
                    bind 127.0.0.1:%d
                    default_backend brokers

                backend brokers
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /actuator/health
                    http-check expect status 200
                    default-server check inter 1s fall 1 rise 2
                """.formatted(brokersPort));
        for (int i = 0; i < brokerPorts.size(); i++) {
            brokers.append("    server broker-").append(i).append(" 127.0.0.1:").append(brokerPorts.get(i)).append('\n');
        }
        Path brokersConfig = dir.resolve("brokers.cfg");
        Files.writeString(brokersConfig, brokers);
        Path config = AppProcess.repositoryRoot().resolve("deploy/haproxy/haproxy.cfg");
        List<String> command = new ArrayList<>(List.of(binary(), "-db", "-f", config.toString(), "-f",
                brokersConfig.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()));
        builder.environment().put("OPENVDI_LB_BIND", "127.0.0.1:" + gatewaysPort);
        builder.environment().put("OPENVDI_GATEWAY_1", "127.0.0.1:" + gatewayPorts.get(0));
        builder.environment().put("OPENVDI_GATEWAY_2", "127.0.0.1:" + gatewayPorts.get(1));
        process = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited; see " + dir.resolve("haproxy.log"));
            }
            if (listens(gatewaysPort) && listens(brokersPort)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("haproxy did not listen within 20 s; see " + dir.resolve("haproxy.log"));
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No haproxy: run scripts/host-setup.sh (package haproxy)");
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
