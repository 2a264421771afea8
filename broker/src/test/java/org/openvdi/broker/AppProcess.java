package org.openvdi.broker;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged broker jar started as a real operating-system process, so a test can SIGKILL it. */
public final class BrokerProcess implements AutoCloseable {

    private final Path workDir;
    private final List<String> args;
    private final int port;
    private Process process;

    public BrokerProcess(Path workDir, List<String> extraArgs) throws IOException {
        this.workDir = workDir;
        this.port = freePort();
        this.args = new ArrayList<>(extraArgs);
        Files.createDirectories(workDir);
    }

    public static Path repositoryRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    /** The tiny desktop image built by desktop-templates/tiny/build.sh (./vdi test builds it first). */
    public static Path tinyImage() {
        String configured = System.getenv("OPENVDI_TEST_IMAGE");
        Path image = configured != null ? Path.of(configured) : repositoryRoot().resolve("data/images/tiny-desktop.img");
        if (!Files.isRegularFile(image)) {
            throw new IllegalStateException("No tiny desktop image at " + image
                    + ": build it with desktop-templates/tiny/build.sh data/images (./vdi test does)");
        }
        return image;
    }

    public int port() {
        return port;
    }

    public void start() throws IOException, InterruptedException {
        File[] jars = Path.of("target").toFile().listFiles((dir, name) -> name.matches("broker-.*\\.jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("The broker jar is not built (run mvn package first)");
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-jar", jars[0].getAbsolutePath(), "--server.port=" + port, "--spring.profiles.active=demo",
                "--openvdi.demo.enabled=false"));
        command.addAll(args);
        process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("broker.log").toFile()))
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The broker exited; see " + workDir.resolve("broker.log"));
            }
            try {
                HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/actuator/health")).build(), HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The broker did not start within 180 s; see " + workDir.resolve("broker.log"));
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
