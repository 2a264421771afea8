package org.openvdi.broker.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real VNC display for tests whose desktops run on libvirt's test driver (which shows none): QEMU under software
 * emulation, 64 MiB, standard VGA, no disk but a 512-byte boot sector that repaints the whole text screen in new
 * colours about twice a second, behind a VNC password on 127.0.0.1. guacd connects to it as to a desktop's display.
 */
public final class VncDisplay implements AutoCloseable {

    /**
     * mov ax,0xB800; mov es,ax; xor dx,dx; frame: xor di,di; mov cx,2000; mov ax,dx; cell: stosw; add ax,0x9E35;
     * loop cell; inc dx; sti; mov bl,9; wait: hlt; dec bl; jnz wait; jmp frame -- a new screen every ninth BIOS
     * timer tick (18.2 Hz), the CPU idle in between; then padding and the 0x55AA boot signature.
     */
    private static final int[] BOOT_CODE = {0xB8, 0x00, 0xB8, 0x8E, 0xC0, 0x31, 0xD2, 0x31, 0xFF, 0xB9, 0xD0, 0x07,
            0x89, 0xD0, 0xAB, 0x05, 0x35, 0x9E, 0xE2, 0xFA, 0x42, 0xFB, 0xB3, 0x09, 0xF4, 0xFE, 0xCB, 0x75, 0xFB, 0xEB,
            0xE8};

    private final Process process;
    private final Path bootSector;
    private final int port;
    private final String password;

    private VncDisplay(Process process, Path bootSector, int port, String password) {
        this.process = process;
        this.bootSector = bootSector;
        this.port = port;
        this.password = password;
    }

    /** Starts QEMU with its VNC server on a free display of 127.0.0.1; the password has at most 8 characters. */
    public static VncDisplay start(String password, Path logDirectory) throws IOException {
        Path sector = bootSector();
        Files.createDirectories(logDirectory);
        for (int attempt = 0; attempt < 10; attempt++) {
            int display = freeDisplay();
            Path log = logDirectory.resolve("qemu-vnc-" + display + ".log");
            Process process = new ProcessBuilder("qemu-system-x86_64", "-accel", "tcg", "-m", "64", "-nodefaults",
                    "-no-user-config", "-vga", "std", "-display", "none", "-monitor", "none", "-serial", "none",
                    "-object", "secret,id=vncpw,data=" + password, "-vnc", "127.0.0.1:" + display + ",password-secret=vncpw",
                    "-drive", "file=" + sector + ",format=raw,if=ide,snapshot=on")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (awaitBanner(process, 5900 + display)) {
                return new VncDisplay(process, sector, 5900 + display, password);
            }
            process.destroyForcibly();
        }
        Files.deleteIfExists(sector);
        throw new IllegalStateException("QEMU started no VNC server; see " + logDirectory);
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(bootSector);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path bootSector() throws IOException {
        byte[] sector = new byte[512];
        for (int i = 0; i < BOOT_CODE.length; i++) {
            sector[i] = (byte) BOOT_CODE[i];
        }
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        return Files.write(Files.createTempFile("openvdi-vnc-boot", ".img"), sector);
    }

    private static int freeDisplay() throws IOException {
        for (int display = 100 + (int) (Math.random() * 700); ; display = 100 + (int) (Math.random() * 700)) {
            try (ServerSocket probe = new ServerSocket(5900 + display, 1, java.net.InetAddress.getLoopbackAddress())) {
                return display;
            } catch (IOException taken) {
                // another display: try the next
            }
        }
    }

    private static boolean awaitBanner(Process process, int port) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(2000);
                InputStream in = socket.getInputStream();
                if ("RFB ".equals(new String(in.readNBytes(4), StandardCharsets.US_ASCII))) {
                    return true;
                }
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        return false;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Whether QEMU can be started here at all. */
    public static boolean available() {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "qemu-system-x86_64")));
    }
}
