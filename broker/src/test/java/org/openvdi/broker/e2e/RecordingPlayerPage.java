package org.openvdi.broker.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The session recording player (/recordings.html?id=) in the browser: loading, playing, pausing, seeking. */
public final class RecordingPlayerPage {

    private final ChromeDriver browser;

    RecordingPlayerPage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** Waits until the whole recording is loaded; answers its duration in milliseconds (the slider's end). */
    public long awaitLoaded(Duration timeout) {
        WebElement player = browser.findElement(By.id("player"));
        await().atMost(timeout).until(() -> "true".equals(player.getDomAttribute("data-loaded")));
        return Long.parseLong(browser.findElement(By.id("seek")).getDomProperty("max"));
    }

    public String shownDuration() {
        return browser.findElement(By.id("duration")).getText();
    }

    public String shownPosition() {
        return browser.findElement(By.id("position")).getText();
    }

    public String facts() {
        return browser.findElement(By.id("facts")).getText();
    }

    /** Plays until the slider has moved on, then pauses; answers where the slider was. */
    public long playAWhileAndPause() {
        WebElement player = browser.findElement(By.id("player"));
        WebElement slider = browser.findElement(By.id("seek"));
        browser.findElement(By.id("play")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> "true".equals(player.getDomAttribute("data-playing")));
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.parseLong(slider.getDomProperty("value")) > 0);
        browser.findElement(By.id("play")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> "false".equals(player.getDomAttribute("data-playing")));
        return Long.parseLong(slider.getDomProperty("value"));
    }

    /** Drags the slider to {@code millis} and answers the position the player sought to (the frame its search
     * lands on, next to the target). */
    public long seek(long millis) {
        WebElement player = browser.findElement(By.id("player"));
        WebElement slider = browser.findElement(By.id("seek"));
        browser.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'));"
                + "arguments[0].dispatchEvent(new Event('change'));", slider, millis);
        await().atMost(Duration.ofSeconds(30)).until(() -> player.getDomAttribute("data-seeked-to") != null);
        return Long.parseLong(player.getDomAttribute("data-seeked-to"));
    }
}
