package org.openvdi.broker.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** The auditor's page (/audit) in the browser: the session search, the timelines, a session's detail, its recordings. */
public final class AuditPage {

    private final ChromeDriver browser;

    public AuditPage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** Waits until the page is open for the signed-in auditor (where an auditor lands after signing in). */
    public AuditPage awaitOpen(String auditor) {
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().endsWith("/audit"));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("who")).getText().startsWith(auditor));
        return this;
    }

    /** Searches the session history by user and time, as a person fills in the form, and answers the session's row. */
    public WebElement searchSessions(String user, Instant from, Instant to, UUID sessionId) {
        setLocalTime("#sessions-form [name=from]", from);
        setLocalTime("#sessions-form [name=to]", to);
        WebElement field = browser.findElement(By.cssSelector("#sessions-form [name=user]"));
        field.clear();
        field.sendKeys(user);
        browser.findElement(By.id("sessions-search")).click();
        By row = row(sessionId);
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(row).isEmpty());
        return browser.findElement(row);
    }

    /** Opens the timeline of the row's user (the link on the user's name) and waits until it is drawn. */
    public void openUserTimeline(UUID sessionId, String user) {
        browser.findElement(row(sessionId)).findElement(By.cssSelector("td:nth-child(2) a")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("tab-timeline")).isDisplayed()
                && user.equals(browser.findElement(By.id("timeline")).getDomAttribute("data-subject")));
    }

    /** The session's bar on the timeline, once drawn. */
    public WebElement bar(UUID sessionId) {
        By bar = barOf(sessionId);
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(bar).isEmpty());
        return browser.findElement(bar);
    }

    /** Clicks the session's bar and waits for its detail. */
    public WebElement openSession(UUID sessionId) {
        bar(sessionId).click();
        WebElement detail = browser.findElement(By.id("detail"));
        await().atMost(Duration.ofSeconds(10)).until(() -> detail.isDisplayed()
                && sessionId.toString().equals(detail.getDomAttribute("data-session")));
        return detail;
    }

    /** From the open session, the timeline of its desktop. */
    public void openDesktopTimeline(UUID desktopId) {
        browser.findElement(By.linkText("Timeline of this desktop")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("timeline-title")).getDomProperty("textContent")
                .equals("Timeline of desktop " + desktopId)
                && desktopId.toString().equals(browser.findElement(By.id("timeline")).getDomAttribute("data-subject")));
    }

    /** Follows the open session's first recording's Play link into the player. */
    public RecordingPlayerPage playFirstRecording() {
        WebElement play = await().atMost(Duration.ofSeconds(20))
                .until(() -> browser.findElements(By.cssSelector("#detail-recordings a.play")), links -> !links.isEmpty())
                .get(0);
        play.click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.getCurrentUrl().contains("/recordings.html?id="));
        return new RecordingPlayerPage(browser);
    }

    /** Sets a datetime-local field to the instant in the browser's own time zone, as a person picks it. */
    private void setLocalTime(String css, Instant at) {
        browser.executeScript("const f = document.querySelector(arguments[0]); const d = new Date(arguments[1]);"
                + "const p = n => String(n).padStart(2, '0');"
                + "f.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:"
                + "${p(d.getMinutes())}:${p(d.getSeconds())}`;", css, at.toString());
    }

    private static By row(UUID sessionId) {
        return By.cssSelector("tr[data-session='" + sessionId + "']");
    }

    static By barOf(UUID sessionId) {
        return By.xpath("//div[contains(@class,'vis-item') and contains(@class,'session')]"
                + "[.//span[@data-session='" + sessionId + "']]");
    }
}
