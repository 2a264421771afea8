package org.openvdi.broker.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium and ChromeDriver, headless, with a fresh profile and no background traffic. Its browser log holds
 * the pages' console messages, Content-Security-Policy violations among them.
 *
 * <p>Only {@link #startWithNetworkLog} keeps ChromeDriver's performance log (the DevTools network events), for a test
 * that must see which WebSocket URLs a page opened. That log costs CPU in ChromeDriver and Chromium for every request
 * and every WebSocket frame (a desktop's display streams many per second) and is buffered until read, so the other
 * tests go without it.
 */
public final class HeadlessChromium {

    private HeadlessChromium() {
    }

    public static ChromeDriver start(Path profileParent) throws IOException {
        return start(profileParent, false);
    }

    /** As {@link #start}, with the network events in {@link LogType#PERFORMANCE} (no page or timeline events). */
    public static ChromeDriver startWithNetworkLog(Path profileParent) throws IOException {
        return start(profileParent, true);
    }

    private static ChromeDriver start(Path profileParent, boolean networkLog) throws IOException {
        Path profile = Files.createTempDirectory(Files.createDirectories(profileParent), "chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-popup-blocking", "--window-size=1280,900", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        if (networkLog) {
            logs.enable(LogType.PERFORMANCE, Level.ALL);
            options.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
        }
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
