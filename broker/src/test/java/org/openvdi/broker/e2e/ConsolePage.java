package org.openvdi.broker.e2e;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The admin console in the browser, as an admin works it: screens by their address (#/hosts, #/pools/ID), form
 * fields by their API name, the error line next to each field, action buttons by their data-action, and the
 * confirmation dialog. Lookups poll briefly, since the screens redraw as live state arrives.
 */
public final class ConsolePage {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final ChromeDriver browser;
    private final String url;

    public ConsolePage(ChromeDriver browser, int brokerPort) {
        this.browser = browser;
        this.url = "http://localhost:" + brokerPort;
    }

    /**
     * Signs in on the login page and waits until it has been left (the landing page, the portal or the audit page,
     * need not finish loading: the console is opened next).
     */
    public ConsolePage signIn(String user) {
        browser.manage().deleteAllCookies();
        new PortalPage(browser, Integer.parseInt(url.substring(url.lastIndexOf(':') + 1))).signIn(user, "demo");
        await().atMost(WAIT).ignoreExceptions().until(() -> !browser.getCurrentUrl().contains("/login"));
        return this;
    }

    /** Opens the console at an address such as "hosts/new" and waits for its screen. */
    public ConsolePage open(String hash) {
        return load(url + "/admin#/" + hash, hash);
    }

    /**
     * Shows the screen at the address drawn anew, even when it shows that address already: a new form, with no value
     * and no error left from the last one. In a console page that is loaded already this is the console's own
     * navigation (its hashchange handler replaces the whole screen and stops the old one's timers), which spares the
     * page load, its scripts and the signed-in user's lookup; from any other page it loads the console.
     */
    public ConsolePage openAfresh(String hash) {
        boolean redrawn = (Boolean) script("""
                const main = document.querySelector('main#screen');
                if (location.pathname !== '/admin' || !main || !document.getElementById('who').textContent.includes('(')) {
                  return false;
                }
                main.querySelectorAll('.screen-body').forEach(b => b.dataset.replaced = 'true');
                if (location.hash === '#/' + arguments[0]) {
                  window.dispatchEvent(new HashChangeEvent('hashchange'));
                } else {
                  location.hash = '#/' + arguments[0];
                }
                return true;""", hash);
        if (!redrawn) {
            return load(url + "/admin?page=" + System.nanoTime() + "#/" + hash, hash);
        }
        String screen = hash.split("/")[0];
        await().atMost(WAIT).until(() -> !browser.findElements(
                By.cssSelector("main[data-screen='" + screen + "'] > .screen-body:not([data-replaced])")).isEmpty());
        return this;
    }

    private ConsolePage load(String address, String hash) {
        browser.get(address);
        String screen = hash.split("/")[0];
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("main[data-screen='" + screen + "']")).isEmpty());
        await().atMost(WAIT).until(() -> browser.findElement(By.id("who")).getText().contains("("));
        return this;
    }

    /** Reloads the page (the address keeps the place). */
    public ConsolePage reload() {
        browser.navigate().refresh();
        return this;
    }

    public String hash() {
        return (String) script("return location.hash");
    }

    /** Waits until the address is the given one ("hosts/ID"), or matches the regular expression. */
    public void awaitHash(String regex) {
        await().atMost(WAIT).until(() -> hash().matches("#/" + regex));
    }

    public WebElement field(String name) {
        return await().atMost(WAIT).ignoreExceptions().until(() -> browser.findElement(By.cssSelector("main [name='" + name + "']")),
                e -> e != null);
    }

    /** Clears the field and types the text. */
    public ConsolePage type(String name, String text) {
        WebElement input = field(name);
        input.clear();
        input.sendKeys(text);
        return this;
    }

    /**
     * Sets the field's value as pasted text would, past its maxlength and with characters no keyboard types (control
     * and bidi characters), and clears every error line so the next answer's errors are the only ones shown.
     */
    public ConsolePage fill(String name, String text) {
        field(name);
        script("document.querySelector(\"main [name='\" + arguments[0] + \"']\").value = arguments[1];"
                + "document.querySelectorAll('main .field-error').forEach(e => e.textContent = '');", name, text);
        return this;
    }

    /**
     * As {@link #fill}, for several fields in one call to the browser, made once every one of them is drawn (a form
     * with a hundred refusals to show spends its time in these calls, each a round trip through ChromeDriver).
     */
    public ConsolePage fill(Map<String, String> values) {
        await().atMost(WAIT).until(() -> (Boolean) script("""
                const names = Object.keys(arguments[0]);
                const inputs = names.map(n => document.querySelector("main [name='" + n + "']"));
                if (inputs.some(i => !i)) {
                  return false;
                }
                inputs.forEach((input, k) => { input.value = arguments[0][names[k]]; });
                document.querySelectorAll('main .field-error').forEach(e => e.textContent = '');
                return true;""", values));
        return this;
    }

    public ConsolePage select(String name, String value) {
        new org.openqa.selenium.support.ui.Select(field(name)).selectByValue(value);
        return this;
    }

    /**
     * As {@link #select}, in one call to the browser: once the list offers the value, sets it and fires the change
     * event the console listens to, as choosing it with the mouse does.
     */
    public ConsolePage choose(String name, String value) {
        await().atMost(WAIT).until(() -> (Boolean) script("""
                const list = document.querySelector("main select[name='" + arguments[0] + "']");
                if (!list || ![...list.options].some(o => o.value === arguments[1])) {
                  return false;
                }
                list.value = arguments[1];
                list.dispatchEvent(new Event('input', { bubbles: true }));
                list.dispatchEvent(new Event('change', { bubbles: true }));
                return true;""", name, value));
        return this;
    }

    /** The error line next to the field (or "form" for the summary). */
    public String error(String name) {
        return browser.findElement(By.cssSelector("main [data-error-for='" + name + "']")).getText();
    }

    public String awaitError(String name) {
        await().atMost(WAIT).until(() -> !error(name).isBlank());
        return error(name);
    }

    public void submit() {
        browser.findElement(By.cssSelector("main form button.submit")).click();
    }

    /** Clicks the action button (data-action), found again if the screen redrew it meanwhile. */
    public void action(String action) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("main button[data-action='" + action + "']")).click();
            return true;
        });
    }

    /** Answers the confirmation dialog. */
    public void confirm(boolean ok) {
        await().atMost(WAIT).until(() -> browser.findElement(By.id("confirm")).isDisplayed());
        browser.findElement(By.id(ok ? "confirm-ok" : "confirm-cancel")).click();
    }

    /** Clicks a link or button of the main area by its visible text. */
    public void click(String css) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** The text of every element the selector finds, read in one go. */
    @SuppressWarnings("unchecked")
    public List<String> texts(String css) {
        return (List<String>) script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    /** The value of the fact (dt) on an object's screen. */
    public String fact(String term) {
        List<String> facts = texts("dd[data-fact='" + term + "']");
        return facts.isEmpty() ? "" : facts.get(0);
    }

    public Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(javascript, args);
    }

    /** Content-Security-Policy violations and uncaught script errors the browser logged. */
    public List<String> scriptProblems() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught"))
                .toList();
    }
}
