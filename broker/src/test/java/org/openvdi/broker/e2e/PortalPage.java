package org.openvdi.broker.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;

/** The employees' portal in the browser: signs in, clicks Open on a pool and finds the desktop's new tab. */
public final class PortalPage {

    private final ChromeDriver browser;
    private final String url;
    private String portalTab;

    public PortalPage(ChromeDriver browser, int brokerPort) {
        this.browser = browser;
        this.url = "http://localhost:" + brokerPort;
    }

    /** Signs in on the login page, which leads to the portal. */
    public PortalPage signIn(String user, String password) {
        browser.get(url + "/login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("submit")).click();
        return this;
    }

    /** Loads the portal afresh (the session cookie keeps the user signed in). */
    public void reload() {
        browser.get(url + "/");
    }

    /** Waits until the portal lists the pool with its Open button. */
    public PortalPage awaitPool(String poolId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(openButton(poolId)).isEmpty());
        return this;
    }

    /** Clicks the pool's Open button (the portal redraws its cards every few seconds: a stale button is found again). */
    public void clickOpen(String poolId) {
        portalTab = browser.getWindowHandle();
        try {
            browser.findElement(openButton(poolId)).click();
        } catch (StaleElementReferenceException redrawn) {
            browser.findElement(openButton(poolId)).click();
        }
    }

    /** Switches to the tab the Open button opened, once it exists. */
    public DesktopPage desktopTab(Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> browser.getWindowHandles().size() == 2);
        String tab = browser.getWindowHandles().stream().filter(handle -> !handle.equals(portalTab)).findFirst()
                .orElseThrow();
        browser.switchTo().window(tab);
        return new DesktopPage(browser);
    }

    /** Closes the desktop's tab, as an employee does when done, and goes back to the portal. */
    public void closeDesktopTab() {
        browser.close();
        browser.switchTo().window(portalTab);
    }

    private static By openButton(String poolId) {
        return By.cssSelector("[data-pool='" + poolId + "'] button");
    }
}
