package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AppProcess;

/** The slow check's test of "XFCE is drawn", on a real screenshot of the debian-xfce desktop and on screens that are not. */
class XfceScreenTest {

    @Test
    void givenTheDebianXfceDesktopsScreenshot_whenLookedAt_thenItIsTheXfceDesktop() throws Exception {
        byte[] png = Files.readAllBytes(AppProcess.repositoryRoot().resolve("docs/images/debian-xfce-desktop.png"));

        XfceScreen.Look look = XfceScreen.ofScreenshot(png);

        assertThat(look.width()).isEqualTo(1280);
        assertThat(look.isXfceDesktop()).as(look.toString()).isTrue();
    }

    @Test
    void givenABlackOrAConsoleSizedScreen_whenLookedAt_thenItIsNot() throws Exception {
        assertThat(XfceScreen.ofScreenshot(ppm(1280, 800, 0, 0, 0)).isXfceDesktop()).isFalse();
        assertThat(XfceScreen.ofScreenshot(ppm(720, 400, 21, 34, 51)).isXfceDesktop()).isFalse();
        assertThat(XfceScreen.ofScreenshot(ppm(1280, 800, 21, 34, 51)).isXfceDesktop()).as("no panel").isFalse();
        assertThat(XfceScreen.ofScreenshot("not an image".getBytes(StandardCharsets.US_ASCII)).isXfceDesktop()).isFalse();
    }

    @Test
    void givenAPpmOfTheDesktopsColours_whenLookedAt_thenPanelAndBackdropAreFound() throws Exception {
        byte[] screen = ppm(1280, 800, 21, 34, 51);
        int header = screen.length - 1280 * 800 * 3;
        for (int y = 0; y < 26; y++) {
            for (int x = 0; x < 1280; x++) {
                int i = header + 3 * (y * 1280 + x);
                screen[i] = (byte) 246;
                screen[i + 1] = (byte) 245;
                screen[i + 2] = (byte) 244;
            }
        }

        assertThat(XfceScreen.ofScreenshot(screen).isXfceDesktop()).isTrue();
    }

    private static byte[] ppm(int width, int height, int r, int g, int b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("P6\n# a comment\n" + width + " " + height + "\n255\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < width * height; i++) {
            out.write(r);
            out.write(g);
            out.write(b);
        }
        return out.toByteArray();
    }
}
