package org.openvdi.broker.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openvdi.broker.AppProcess;

/**
 * A PostgreSQL server of its own, from Debian's {@code postgresql} package (scripts/host-setup.sh installs it), set up
 * as docker-compose.yml's {@code postgres} service is: database and owner {@code openvdi}, a password, and
 * scram-sha-256 for every TCP client. It listens on 127.0.0.1 on a free port, with its data under the test's
 * directory, and runs as the {@code postgres} user when the test runs as root (PostgreSQL refuses root).
 */
public final class ExternalPostgres implements AutoCloseable {

    static final String DATABASE = "openvdi";
    public static final String USER = "openvdi";

    private final Path dir;
    private final Path data;
    private final int port;
    private final String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final List<String> settings = new ArrayList<>();
    private boolean started;

    public ExternalPostgres(Path dir) throws IOException {
        this.dir = dir.resolve("postgres");
        this.data = this.dir.resolve("data");
        this.port = AppProcess.freePort();
    }

    static Path bin() {
        String configured = System.getenv("OPENVDI_POSTGRES_BIN");
        if (configured != null) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Path::compareTo).orElseThrow(() -> new IllegalStateException(
                            "No PostgreSQL server under /usr/lib/postgresql: run scripts/host-setup.sh (package postgresql)"));
        } catch (IOException e) {
            throw new IllegalStateException("No PostgreSQL server under /usr/lib/postgresql: run scripts/host-setup.sh", e);
        }
    }

    /** A server setting ({@code -c name=value}) for the next start, e.g. {@code shared_preload_libraries}. */
    public ExternalPostgres setting(String name, String value) {
        settings.add("-c " + name + "=" + value);
        return this;
    }

    public void start() throws IOException, InterruptedException, SQLException {
        Files.createDirectories(dir);
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, password + "\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        if (root()) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            Files.setOwner(passwordFile, users.lookupPrincipalByName("postgres"));
        }
        Path bin = bin();
        run(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + passwordFile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync");
        Files.deleteIfExists(passwordFile);
        run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(), "-w",
                "-t", "60", "-o", options(),
                "start");
        started = true;
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, password)) {
            admin.createStatement().execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        }
    }

    /** Stops the server as an operator or a crash of its host would ({@code pg_ctl stop -m fast}: sessions cut). */
    void stop() throws IOException, InterruptedException {
        run(bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop");
        started = false;
    }

    /** Starts the stopped server again, on the same port and data. */
    void restart() throws IOException, InterruptedException {
        run(bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("postgres.log").toString(), "-w",
                "-t", "60", "-o", options(),
                "start");
        started = true;
    }

    private String options() {
        return String.join(" ", "-p " + port, "-c listen_addresses=127.0.0.1", "-k " + dir, "-c max_connections=200",
                String.join(" ", settings)).trim();
    }

    /** The data directory (its {@code postmaster.pid} names the server's process). */
    public Path dataDirectory() {
        return data;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, password);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (started) {
            started = false;
            run(bin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "30", "stop");
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        if (root()) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        Path log = dir.resolve("commands.log");
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
        }
    }
}
