package org.openvdi.gateway.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real VNC server for tests: QEMU (TCG, 64 MiB, std VGA, no display) with a password, booting a
 * 512-byte boot sector that rewrites the whole text screen 18 times a second, so guacd streams a steady
 * flow of {@code img} updates (about 2 MB/s), enough to fill the socket buffers of a browser that stops
 * reading, while QEMU itself stays nearly idle.
 * The VNC password is given through a QEMU {@code secret} object ({@code password-secret=}, QEMU 7+).
 */
public final class QemuVncDesktop implements AutoCloseable {

    /**
     * mov ax,0xB800; mov es,ax; xor dx,dx; frame: xor di,di; mov cx,2000; mov ax,dx; cell: stosw;
     * add ax,0x9E35; loop cell; inc dx; sti; hlt; jmp frame -- a new screen on every BIOS timer tick
     * (18.2 Hz) with the CPU idle in between; then padding and the 0x55AA boot signature.
     */
    private static final int[] BOOT_CODE = {0xB8, 0x00, 0xB8, 0x8E, 0xC0, 0x31, 0xD2, 0x31, 0xFF, 0xB9, 0xD0, 0x07,
            0x89, 0xD0, 0xAB, 0x05, 0x35, 0x9E, 0xE2, 0xFA, 0x42, 0xFB, 0xF4, 0xEB, 0xEE};

    private final Process process;
    private final Path bootImage;
    private final int port;
    private final String password;

    private QemuVncDesktop(Process process, Path bootImage, int port, String password) {
        this.process = process;
        this.bootImage = bootImage;
        this.port = port;
        this.password = password;
    }

    /** Starts QEMU with a VNC server on a free 127.0.0.1 port; the password must be at most 8 characters. */
    public static QemuVncDesktop start(String password) {
        try {
            Path image = writeBootImage();
            Path lastLog = null;
            for (int attempt = 0; attempt < 10; attempt++) {
                int display = ThreadLocalRandom.current().nextInt(100, 900);
                if (LocalPorts.isListening(5900 + display)) {
                    continue;
                }
                File log = new File("target/qemu-" + display + ".log");
                Process process = new ProcessBuilder(command(image, display, password))
                        .redirectErrorStream(true)
                        .redirectOutput(log)
                        .start();
                if (awaitRfbBanner(process, 5900 + display)) {
                    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-test-qemu"));
                    return new QemuVncDesktop(process, image, 5900 + display, password);
                }
                process.destroyForcibly();
                lastLog = log.toPath();
            }
            Files.deleteIfExists(image);
            throw new IllegalStateException("QEMU did not start a VNC server: "
                    + (lastLog == null ? "no free display" : Files.readString(lastLog)));
        } catch (IOException e) {
            throw new UncheckedIOException("qemu-system-x86_64 is not installed: run scripts/host-setup.sh", e);
        }
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
            Files.deleteIfExists(bootImage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command(Path image, int display, String password) {
        return List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "64", "-nodefaults", "-no-user-config",
                "-vga", "std", "-display", "none", "-monitor", "none", "-serial", "none",
                "-object", "secret,id=vncpw,data=" + password,
                "-vnc", "127.0.0.1:" + display + ",password-secret=vncpw",
                "-drive", "file=" + image + ",format=raw,if=ide,snapshot=on");
    }

    private static Path writeBootImage() throws IOException {
        byte[] sector = new byte[512];
        for (int i = 0; i < BOOT_CODE.length; i++) {
            sector[i] = (byte) BOOT_CODE[i];
        }
        sector[510] = 0x55;
        sector[511] = (byte) 0xAA;
        Path image = Files.createTempFile("openvdi-test-boot", ".img");
        Files.write(image, sector);
        return image;
    }

    private static boolean awaitRfbBanner(Process process, int port) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(2000);
                InputStream in = socket.getInputStream();
                byte[] banner = in.readNBytes(4);
                if ("RFB ".equals(new String(banner, StandardCharsets.US_ASCII))) {
                    return true;
                }
            } catch (IOException notYet) {
                GuacdDaemon.sleep(100);
            }
        }
        return false;
    }
}
