package org.openvdi.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HAProxy from Debian's {@code haproxy} package running deploy/haproxy/haproxy.cfg, the file docker-compose.yml's
 * {@code haproxy} service runs, with the two gateways' addresses in its environment as the compose file sets them:
 * one address for browsers, round robin over both gateways, each checked on its readiness.
 */
public final class GatewayBalancer implements AutoCloseable {

    private final int port = LocalPorts.closedPort();
    private final Path log;
    private final Process process;

    private GatewayBalancer(Path dir, int gateway1, int gateway2) throws IOException {
        Files.createDirectories(dir);
        log = dir.resolve("haproxy.log");
        ProcessBuilder builder = new ProcessBuilder(binary(), "-db", "-f",
                repositoryRoot().resolve("deploy/haproxy/haproxy.cfg").toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("OPENVDI_LB_BIND", "127.0.0.1:" + port);
        builder.environment().put("OPENVDI_GATEWAY_1", "127.0.0.1:" + gateway1);
        builder.environment().put("OPENVDI_GATEWAY_2", "127.0.0.1:" + gateway2);
        process = builder.start();
    }

    /** Starts HAProxy in front of the two gateways and waits until it listens. */
    public static GatewayBalancer start(Path dir, int gateway1, int gateway2) {
        try {
            GatewayBalancer balancer = new GatewayBalancer(dir, gateway1, gateway2);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!LocalPorts.isListening(balancer.port)) {
                if (!balancer.process.isAlive() || System.nanoTime() > deadline) {
                    balancer.close();
                    throw new IllegalStateException("haproxy did not start; see " + balancer.log);
                }
                Thread.sleep(50);
            }
            return balancer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Where browsers reach the gateways. */
    public int port() {
        return port;
    }

    private static String binary() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No haproxy: run scripts/host-setup.sh (package haproxy)");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("deploy/haproxy/haproxy.cfg"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("deploy/haproxy/haproxy.cfg not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
