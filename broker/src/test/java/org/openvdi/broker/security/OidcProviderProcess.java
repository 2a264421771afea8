package org.openvdi.broker.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openvdi.broker.AppProcess;
import org.openvdi.testidp.TestOidcProvider;

/**
 * The test OpenID Connect provider ({@link TestOidcProvider}) as an operating-system process of its own, on a free
 * port, with its users in a file that {@link #users} rewrites (a group change at the provider).
 */
final class OidcProviderProcess implements AutoCloseable {

    private final Path directory;
    private final Path usersFile;
    private final int port;
    private Process process;

    private OidcProviderProcess(Path directory, Properties users) throws IOException {
        this.directory = directory;
        this.usersFile = directory.resolve("users.properties");
        this.port = AppProcess.freePort();
        users(users);
        process = launch();
    }

    private Process launch() throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", classPath, TestOidcProvider.class.getName(), Integer.toString(port),
                usersFile.toAbsolutePath().toString());
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("provider.log").toFile())).start();
    }

    /**
     * Starts the provider again on the same port (same issuer, same users) after {@link #close()}, and waits until it
     * answers. Its signing keys are new, and it has forgotten who was signed in.
     */
    void restart() {
        close();
        try {
            process = launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    /** Starts the provider and waits until its discovery document answers. */
    static OidcProviderProcess start(Path directory, Properties users) {
        try {
            Files.createDirectories(directory);
            OidcProviderProcess provider = new OidcProviderProcess(directory, users);
            provider.awaitReady();
            return provider;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The test provider exited; see " + directory.resolve("provider.log"));
            }
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(issuer()
                        + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("The test provider did not start; see " + directory.resolve("provider.log"));
    }

    String issuer() {
        return "http://127.0.0.1:" + port;
    }

    /** Replaces the provider's users (read at every sign-in). */
    void users(Properties users) {
        try {
            Path next = directory.resolve("users.properties.next");
            // the stream form writes every character beyond Latin-1 as a \\u escape (the hostile users need them)
            try (OutputStream out = Files.newOutputStream(next)) {
                users.store(out, null);
            }
            Files.move(next, usersFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
