package org.openvdi.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Class-data sharing for the brokers and gateways the integration tests start ({@link AppProcess} with
 * {@code openvdi.test.quick-jvm}): most of such a process's life is its start, and most of a start is loading and
 * verifying the same classes from the same jar again.
 *
 * <p>A packaged jar is extracted once (Spring Boot's {@code -Djarmode=tools extract}: the application jar with its
 * libraries beside it, a plain class path the JVM can archive; classes inside a nested jar it cannot). The first
 * process started from it records the classes it loaded into a dynamic archive when it exits
 * ({@code -XX:ArchiveClassesAtExit}); the processes after it map that archive ({@code -XX:SharedArchiveFile}). The
 * archive is written under a temporary name and takes its final name only once its process has exited cleanly, so a
 * process that was killed leaves no half-written archive behind (the next one records it again). A JVM that cannot
 * use an archive (another JDK, other options) runs without one, as it would anyway.
 *
 * <p>Everything lives under the jar's {@code target/cds/}, keyed by the jar's size and time, so a rebuilt jar is
 * extracted and recorded again.
 */
final class SharedClassArchive {

    private static final Map<Path, Prepared> PREPARED = new ConcurrentHashMap<>();

    private SharedClassArchive() {
    }

    /** How to launch one process of the jar: JVM options and {@code -jar}, and what to do once it has exited. */
    record Launch(List<String> arguments, Recording recording) {
    }

    /** The archive a process records at its exit, under a temporary name until it is known to be whole. */
    static final class Recording {

        private final Prepared prepared;
        private final Path temporary;

        private Recording(Prepared prepared, Path temporary) {
            this.prepared = prepared;
            this.temporary = temporary;
        }

        /** The process has exited; {@code clean} when it was asked to stop and stopped (no SIGKILL). */
        void exited(boolean clean) {
            synchronized (SharedClassArchive.class) {
                try {
                    if (clean && Files.isRegularFile(temporary) && Files.size(temporary) > 0) {
                        Files.move(temporary, prepared.archive, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.deleteIfExists(temporary);
                    }
                } catch (IOException e) {
                    // no archive this time: the next start records one again
                } finally {
                    prepared.recording = false;
                }
            }
        }
    }

    private static final class Prepared {
        private final Path applicationJar;
        private final Path archive;
        private boolean recording;

        private Prepared(Path applicationJar, Path archive) {
            this.applicationJar = applicationJar;
            this.archive = archive;
        }
    }

    /** The plain {@code -jar} launch, for processes that measure the product as it runs (benchmarks). */
    static Launch plain(Path jar) {
        return new Launch(List.of("-jar", jar.toAbsolutePath().toString()), null);
    }

    /** The launch with class-data sharing; the plain one if the jar cannot be extracted. */
    static synchronized Launch of(Path jar) {
        Prepared prepared;
        try {
            prepared = PREPARED.computeIfAbsent(jar.toAbsolutePath(), SharedClassArchive::prepare);
        } catch (UncheckedIOException | IllegalStateException e) {
            return plain(jar);
        }
        String application = prepared.applicationJar.toString();
        if (Files.isRegularFile(prepared.archive)) {
            return new Launch(List.of("-XX:SharedArchiveFile=" + prepared.archive, "-jar", application), null);
        }
        if (prepared.recording) {
            return new Launch(List.of("-jar", application), null);
        }
        prepared.recording = true;
        Path temporary = prepared.archive.resolveSibling("recording-" + UUID.randomUUID() + ".jsa");
        return new Launch(List.of("-XX:ArchiveClassesAtExit=" + temporary, "-jar", application),
                new Recording(prepared, temporary));
    }

    private static Prepared prepare(Path jar) {
        try {
            String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
            Path directory = jar.getParent().resolve("cds")
                    .resolve(name + "-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis());
            Path extracted = directory.resolve("extracted");
            if (!Files.isDirectory(extracted)) {
                Files.createDirectories(directory);
                Path temporary = directory.resolve("extracting-" + UUID.randomUUID());
                Process extract = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                        "-Djarmode=tools", "-jar", jar.toAbsolutePath().toString(), "extract", "--destination",
                        temporary.toString())
                        .redirectErrorStream(true).redirectOutput(directory.resolve("extract.log").toFile()).start();
                if (!extract.waitFor(120, TimeUnit.SECONDS) || extract.exitValue() != 0) {
                    extract.destroyForcibly();
                    throw new IllegalStateException("Cannot extract " + jar + "; see " + directory.resolve("extract.log"));
                }
                Files.move(temporary, extracted, StandardCopyOption.ATOMIC_MOVE);
            }
            Path applicationJar;
            try (Stream<Path> files = Files.list(extracted)) {
                applicationJar = files.filter(f -> f.getFileName().toString().endsWith(".jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("No application jar in " + extracted));
            }
            return new Prepared(applicationJar, directory.resolve("app.jsa"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
