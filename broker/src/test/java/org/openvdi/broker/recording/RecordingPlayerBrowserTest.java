package org.openvdi.broker.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.e2e.HeadlessChromium;
import org.openvdi.broker.e2e.PortalPage;
import org.openvdi.broker.recording.api.RecordingState;
import org.openvdi.broker.recording.api.StartRecordingCommand;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * In headless Chromium: audrey opens a session's recordings, follows the link to the player, which plays the
 * recording with guacamole-common-js's Guacamole.SessionRecording and shows its duration; she plays it and seeks
 * with the slider, and the screen shows the frame at that position. The play is an event. The recording is ten
 * seconds of frames that each fill the screen with another colour, so the picture tells where the player is.
 */
class RecordingPlayerBrowserTest extends RecordingBroker {

    private static final int FRAMES = 40;
    private static final long FRAME_MILLIS = 250;

    @Autowired
    RecordingQueries recordings;

    private ChromeDriver browser;
    private UUID sessionId;
    private UUID recordingId;

    @BeforeEach
    void storedRecordingAndBrowser() throws Exception {
        sessionId = UUID.randomUUID();
        recordingId = UUID.randomUUID();
        String name = RecordingFiles.nameOf(sessionId, recordingId);
        SyntheticRecording.write(RECORDINGS.resolve(name), FRAMES, FRAME_MILLIS);
        commands.system(new StartRecordingCommand(recordingId, sessionId, UUID.randomUUID(), UUID.randomUUID(),
                "alice", name, Instant.now()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> recordings.find(recordingId).orElseThrow().state() == RecordingState.STORED);
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void givenAudrey_whenSheOpensTheSessionsRecordingPlaysAndSeeks_thenTheScreenShowsThatMomentAndThePlayIsAnEvent()
            throws Exception {
        String base = "http://localhost:" + port;
        new PortalPage(browser, port).signIn("audrey", "demo");
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.getCurrentUrl().contains("/login"));

        browser.get(base + "/recordings.html?sessionId=" + sessionId);
        WebElement link = await().atMost(Duration.ofSeconds(20)).until(
                () -> browser.findElements(By.cssSelector("#recordings a")), links -> !links.isEmpty()).get(0);
        assertThat(browser.findElement(By.id("recordings")).getText()).contains("alice", "STORED");
        link.click();

        WebElement player = browser.findElement(By.id("player"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "true".equals(player.getDomAttribute("data-loaded")));
        WebElement slider = browser.findElement(By.id("seek"));
        long duration = (FRAMES - 1) * FRAME_MILLIS;
        assertThat(Long.parseLong(slider.getDomProperty("max"))).isEqualTo(duration);
        assertThat(browser.findElement(By.id("duration")).getText()).isEqualTo("0:09");
        assertThat(browser.findElement(By.id("facts")).getText()).contains(recordingId.toString(), "alice");

        browser.findElement(By.id("play")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(player.getDomAttribute("data-playing")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(slider.getDomProperty("value")) > 0);
        browser.findElement(By.id("play")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> "false".equals(player.getDomAttribute("data-playing")));

        browser.executeScript("arguments[0].value = 7000; arguments[0].dispatchEvent(new Event('input'));"
                + "arguments[0].dispatchEvent(new Event('change'));", slider);
        await().atMost(Duration.ofSeconds(20)).until(() -> player.getDomAttribute("data-seeked-to") != null);

        long seekedTo = Long.parseLong(player.getDomAttribute("data-seeked-to"));
        assertThat(seekedTo).isBetween(6750L, 7000L);
        assertThat(browser.findElement(By.id("position")).getText()).isEqualTo("0:0" + seekedTo / 1000);
        int frame = (int) (seekedTo / FRAME_MILLIS);
        int red = frame * 255 / (FRAMES - 1);
        @SuppressWarnings("unchecked")
        List<Long> pixel = (List<Long>) browser.executeScript("const c = document.querySelector('#screen canvas');"
                + "return Array.from(c.getContext('2d').getImageData(10, 10, 1, 1).data);");
        assertThat(pixel.get(0)).as("red of frame " + frame).isBetween((long) red - 8, (long) red + 8);
        assertThat(pixel.get(2)).as("blue of frame " + frame).isBetween((long) 255 - red - 8, (long) 255 - red + 8);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "recording-player.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE ?")
                .params(recordingId.toString(), "%RecordingPlayedEvent").query(Long.class).single()).isEqualTo(1);
        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(entry -> !entry.getMessage().contains("/favicon.ico")).toList();
        assertThat(problems).as("console errors and CSP violations").isEmpty();
    }
}
