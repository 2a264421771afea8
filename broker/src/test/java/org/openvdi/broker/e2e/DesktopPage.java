package org.openvdi.broker.e2e;

import java.util.List;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The gateway's desktop page in a browser tab: the state connect.js reports and what the display canvas shows. */
public final class DesktopPage {

    /**
     * Reads {@code window.openvdiState} and counts the distinct colours in the Guacamole display (all layers
     * flattened, every 97th pixel, up to 64).
     */
    private static final String LOOK = """
            const canvases = [...document.querySelectorAll('#display canvas')].filter(c => c.width > 0 && c.height > 0);
            const seen = new Set();
            for (const canvas of canvases) {
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              for (let i = 0; i < data.length && seen.size < 64; i += 4 * 97) {
                if (data[i + 3] > 0) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
              }
            }
            return [String(window.openvdiState), seen.size];""";

    /** One look at the page. */
    public record Look(String state, long colours) {

        public boolean connected() {
            return "connected".equals(state);
        }

        public boolean failed() {
            return state.startsWith("error:");
        }

        /** Guest pixels: not blank and not one colour, as a booted console with text on a background. */
        public boolean showsGuest() {
            return colours >= 2;
        }
    }

    private final ChromeDriver browser;

    DesktopPage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** What the tab shows, as a PNG image. */
    public byte[] screenshot() {
        return browser.getScreenshotAs(OutputType.BYTES);
    }

    public Look look() {
        List<?> look = (List<?>) browser.executeScript(LOOK);
        return new Look(String.valueOf(look.get(0)), ((Number) look.get(1)).longValue());
    }
}
