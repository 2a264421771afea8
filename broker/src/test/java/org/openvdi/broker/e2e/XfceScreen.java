package org.openvdi.broker.e2e;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.Virsh;

/**
 * Whether the desktop tab's display shows the debian-xfce desktop: its largest canvas is the template's 1280x800
 * screen, the top panel's row is light across (XFCE's panel, light grey) and the middle of the screen is the dark
 * blue backdrop. Firmware, boot loader, kernel console and an empty X screen match none of these together.
 */
final class XfceScreen {

    /** Returns [width, height, share of light pixels in the panel row, share of backdrop pixels in the middle rows]. */
    private static final String LOOK = """
            const canvases = [...document.querySelectorAll('#display canvas')].filter(c => c.width > 0 && c.height > 0);
            if (canvases.length === 0) return [0, 0, 0, 0];
            const canvas = canvases.reduce((a, b) => a.width * a.height >= b.width * b.height ? a : b);
            const g = canvas.getContext('2d');
            const share = (y, x0, x1, test) => {
              if (canvas.height <= y || canvas.width < x1) return 0;
              const d = g.getImageData(x0, y, x1 - x0, 1).data;
              let hits = 0, n = 0;
              for (let i = 0; i < d.length; i += 4 * 8) { n++; if (test(d[i], d[i + 1], d[i + 2])) hits++; }
              return n === 0 ? 0 : hits / n;
            };
            const light = (r, g, b) => r > 200 && g > 200 && b > 200;
            const backdrop = (r, g, b) => b > r + 10 && r < 70 && g < 80 && b < 110;
            const middle = (share(300, 200, 1000, backdrop) + share(500, 200, 1000, backdrop)) / 2;
            return [canvas.width, canvas.height, share(12, 150, 880, light), middle];""";

    record Look(long width, long height, double panel, double backdrop) {

        boolean isXfceDesktop() {
            return width >= 1280 && height >= 800 && panel > 0.9 && backdrop > 0.9;
        }
    }

    private XfceScreen() {
    }

    /**
     * The same look at the desktop's screen on the host, without a browser: libvirt's screenshot of the domain
     * (PPM from QEMU 7, PNG from later versions) written to {@code file}. A domain that is not running looks blank.
     */
    static Look onHost(String desktopId, Path file) throws IOException {
        Files.deleteIfExists(file);
        if (Virsh.run("screenshot", "vdi-" + desktopId, "--file", file.toString()).exitCode() != 0 || !Files.exists(file)) {
            return new Look(0, 0, 0, 0);
        }
        return ofScreenshot(Files.readAllBytes(file));
    }

    /** The look of a screenshot (PNG, or binary PPM as QEMU 7 writes it). */
    static Look ofScreenshot(byte[] bytes) throws IOException {
        BufferedImage image = read(bytes);
        if (image == null || image.getWidth() < 1000 || image.getHeight() < 501) {
            return new Look(image == null ? 0 : image.getWidth(), image == null ? 0 : image.getHeight(), 0, 0);
        }
        double panel = share(image, 12, 150, 880, true);
        double backdrop = (share(image, 300, 200, 1000, false) + share(image, 500, 200, 1000, false)) / 2;
        return new Look(image.getWidth(), image.getHeight(), panel, backdrop);
    }

    private static double share(BufferedImage image, int y, int x0, int x1, boolean light) {
        int hits = 0;
        int n = 0;
        for (int x = x0; x < x1; x += 8) {
            int rgb = image.getRGB(x, y);
            int r = (rgb >> 16) & 0xff;
            int g = (rgb >> 8) & 0xff;
            int b = rgb & 0xff;
            n++;
            if (light ? r > 200 && g > 200 && b > 200 : b > r + 10 && r < 70 && g < 80 && b < 110) {
                hits++;
            }
        }
        return (double) hits / n;
    }

    /** PNG through ImageIO; binary PPM (P6, maxval 255) by hand. */
    private static BufferedImage read(byte[] bytes) throws IOException {
        if (bytes.length < 2 || bytes[0] != 'P' || bytes[1] != '6') {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        }
        int[] header = new int[3];
        int pos = 2;
        for (int i = 0; i < 3; i++) {
            while (Character.isWhitespace(bytes[pos]) || bytes[pos] == '#') {
                if (bytes[pos] == '#') {
                    while (bytes[pos] != '\n') {
                        pos++;
                    }
                }
                pos++;
            }
            int value = 0;
            while (Character.isDigit(bytes[pos])) {
                value = value * 10 + (bytes[pos++] - '0');
            }
            header[i] = value;
        }
        pos++;
        int width = header[0];
        int height = header[1];
        if (header[2] != 255 || bytes.length < pos + 3L * width * height) {
            return null;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = pos + 3 * (y * width + x);
                image.setRGB(x, y, ((bytes[i] & 0xff) << 16) | ((bytes[i + 1] & 0xff) << 8) | (bytes[i + 2] & 0xff));
            }
        }
        return image;
    }

    static Look look(ChromeDriver browser) {
        List<?> values = (List<?>) browser.executeScript(LOOK);
        return new Look(((Number) values.get(0)).longValue(), ((Number) values.get(1)).longValue(),
                ((Number) values.get(2)).doubleValue(), ((Number) values.get(3)).doubleValue());
    }
}
