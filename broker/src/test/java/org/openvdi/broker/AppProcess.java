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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A packaged application jar (the broker, or the gateway) started as a real operating-system
 * process, so a test can SIGKILL it or run the whole topology.
 */
public final class AppProcess implements AutoCloseable {

    /**
     * JVM options for every application an integration test starts when {@code openvdi.test.quick-jvm} is true (the
     * failsafe configuration sets it; benchmarks, which measure the product as it runs in production, do not): the
     * quick compiler only and one GC thread. A broker or gateway under test lives for seconds to minutes, mostly
     * starting, on a small machine whose cores the guests need; the optimizing compiler's threads would take those
     * cores for code that is gone before it pays off.
     */
    private static final List<String> QUICK_JVM = Boolean.getBoolean("openvdi.test.quick-jvm")
            ? List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC") : List.of();

    private final Path workDir;
    private final Path jarDirectory;
    private final String jarPattern;
    private final List<String> args;
    private final Map<String, String> env;
    private final List<String> jvmArgs = new ArrayList<>();
    private final int port;
    private Process process;
    private SharedClassArchive.Recording recording;

    private AppProcess(Path workDir, Path jarDirectory, String jarPattern, List<String> args) throws IOException {
        this.workDir = workDir;
        this.jarDirectory = jarDirectory;
        this.jarPattern = jarPattern;
        this.port = freePort();
        this.args = new ArrayList<>(args);
        this.env = new HashMap<>();
        Files.createDirectories(workDir);
    }

    /**
     * The broker in the demo profile (demo logins), without the demo host and pool. The logins' passwords are checked
     * against the test profile's cheaper bcrypt hashes (src/test/resources/application-test-logins.yml): the tests sign
     * in with HTTP Basic on every request they send, and poll.
     */
    public static AppProcess broker(Path workDir, List<String> extraArgs) throws IOException {
        return new AppProcess(workDir, Path.of("target"), "broker-.*\\.jar", concat(List.of(
                "--spring.profiles.active=demo,test-logins",
                "--spring.config.additional-location=optional:file:" + TEST_CONFIG.toAbsolutePath() + "/",
                "--openvdi.demo.enabled=false"), extraArgs));
    }

    /**
     * The broker in the demo profile from a given directory's jar (a benchmark comparing two builds), with the
     * product's own password hashes: a benchmark measures sign-in as it really costs.
     */
    public static AppProcess broker(Path jarDirectory, Path workDir, List<String> extraArgs) throws IOException {
        return new AppProcess(workDir, jarDirectory, "broker-.*\\.jar", concat(List.of("--spring.profiles.active=demo",
                "--openvdi.demo.enabled=false"), extraArgs));
    }

    /** Where the test profiles' configuration files are (the test class path's root). */
    private static final Path TEST_CONFIG = Path.of("target", "test-classes");

    /** The gateway, built by the reactor before the broker's integration tests run. */
    public static AppProcess gateway(Path workDir, List<String> args) throws IOException {
        return new AppProcess(workDir, repositoryRoot().resolve("gateway/target"), "gateway-.*\\.jar", args);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
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

    /** Sets an environment variable for the next start: how secrets reach the product, never as arguments. */
    public AppProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Adds a JVM option (a flight recording, a heap size) for the next start; a later -Xmx wins over the default. */
    public AppProcess jvmArg(String option) {
        jvmArgs.add(option);
        return this;
    }

    /** The running process (its CPU time, for benchmarks); empty before the start. */
    public java.util.Optional<ProcessHandle> handle() {
        return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
    }

    /** Adds a command-line argument for the next start. */
    public AppProcess arg(String argument) {
        args.add(argument);
        return this;
    }

    public Path log() {
        return workDir.resolve(jarPattern.startsWith("gateway") ? "gateway.log" : "broker.log");
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public void start() throws IOException, InterruptedException {
        start(Duration.ofSeconds(180));
    }

    /** Starts the process and waits until its health endpoint answers, at most {@code timeout}. */
    public void start(Duration timeout) throws IOException, InterruptedException {
        File[] jars = jarDirectory.toFile().listFiles((dir, name) -> name.matches(jarPattern));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("No jar matching " + jarPattern + " in " + jarDirectory + " (run mvn package first)");
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-Djna.tmpdir=" + workDir.resolve("jna")));
        command.addAll(QUICK_JVM);
        command.addAll(jvmArgs);
        exited(false);   // a restart: the earlier process's recording, if it was never closed, is not trusted
        // quick JVMs share their classes' data from one archive per jar (SharedClassArchive); benchmarks run the jar as is
        SharedClassArchive.Launch launch = QUICK_JVM.isEmpty() ? SharedClassArchive.plain(jars[0].toPath())
                : SharedClassArchive.of(jars[0].toPath());
        recording = launch.recording();
        command.addAll(launch.arguments());
        command.add("--server.port=" + port);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        process = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The process exited; see " + log());
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
        throw new IllegalStateException("The process did not start within " + timeout + "; see " + log());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        exited(false);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                exited(false);
            }
        }
        if (process != null) {
            exited(true);
        }
    }

    /** Tells the class-data archive this process recorded whether it exited cleanly (then its archive is whole). */
    private void exited(boolean clean) {
        if (recording != null) {
            recording.exited(clean);
            recording = null;
        }
    }
}
