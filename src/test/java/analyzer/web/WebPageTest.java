package analyzer.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.workshop.Demo;
import analyzer.workshop.DemoConfig;
import analyzer.workshop.Outcome;
import analyzer.workshop.Scoreboard;
import analyzer.workshop.Stage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The live page in a real browser (headless Chromium), fed by the real demo: every stage played on loopback, the
 * scoreboard filling on the page, a cell leading to the flow that is its evidence, the filter narrowing the list,
 * a stage run again from its button, and a browser without the token turned away. Screenshots go to
 * target/web-screenshots/ for a person to look at.
 */
@Timeout(240)
class WebPageTest {

    @TempDir
    Path dir;

    @Test
    void theDemoFillsItsScoreboardAndACellShowsItsEvidence() throws Exception {
        LiveView view = new LiveView("demo · the Secret Squirrels' secret, attacked on loopback", 2000,
                List.of("fluffy tail"));
        try (WebView web = WebView.start(view, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
             Browser browser = Browser.start(dir.resolve("profile"), 1280, 800)) {
            WebNarration narration = new WebNarration(view, List.of(Stage.values()), Demo.Narration.SILENT);
            Demo demo = new Demo(DemoConfig.defaults().withPreferredPort(0), narration, Demo.Presenter.NONE);
            browser.driver.get(web.url().toString());
            assertFalse(browser.driver.getCurrentUrl().contains("token="), "the token stays out of the address bar");
            assertTrue(web.awaitPage(Duration.ofSeconds(20)), "the page did not connect");

            AtomicReference<Scoreboard> board = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread run = new Thread(() -> {
                try {
                    board.set(demo.run());
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "demo");
            run.start();
            // The cells fill as the stages are judged, while the demo runs.
            Browser.await("the first cell", Duration.ofSeconds(60),
                    () -> !browser.driver.findElements(By.cssSelector(".cell.succeeded, .cell.failed")).isEmpty(),
                    () -> "board: " + text(browser, "board"));
            assertTrue(run.isAlive() || board.get() != null, "the demo ended before its first cell showed");
            run.join(180_000);
            assertEquals(null, failure.get());
            Browser.await("every cell", Duration.ofSeconds(10),
                    () -> browser.driver.findElements(By.cssSelector(".cell.pending")).isEmpty()
                            && browser.driver.findElements(By.cssSelector(".cell")).size()
                            == Stage.values().length * analyzer.workshop.Attack.values().length,
                    () -> "board: " + text(browser, "board"));
            browser.screenshot("demo-scoreboard");

            // Every cell says on the page what the demo measured.
            for (Stage stage : Stage.values()) {
                for (analyzer.workshop.Attack attack : analyzer.workshop.Attack.values()) {
                    Outcome outcome = board.get().result(stage, attack).outcome();
                    WebElement cell = cell(browser, stage.key(), attack.key());
                    assertTrue(cell.getAttribute("class").contains(outcome.name().toLowerCase()),
                            stage + " " + attack + ": " + cell.getAttribute("class") + " for " + outcome);
                    assertTrue(cell.getText().contains(outcome.label()), cell.getText());
                }
            }

            // HTTP eavesdrop: the cell leads to a flow whose response carries the secret in clear.
            WebElement eavesdrop = cell(browser, "http", "eavesdrop");
            assertTrue(eavesdrop.getAttribute("class").contains("succeeded"));
            eavesdrop.click();
            Browser.await("the evidence flow's detail", Duration.ofSeconds(10),
                    () -> browser.driver.findElement(By.id("message-view")).getText().contains("fluffy tail"),
                    () -> "detail: " + text(browser, "detail") + browser.console());
            String filter = browser.driver.findElement(By.id("filter")).getAttribute("value");
            assertTrue(filter.startsWith("flow:"), filter);
            assertTrue(text(browser, "detail-title").contains("SECRET"), text(browser, "detail-title"));
            assertTrue(text(browser, "evidence").contains("readable by anyone on the path"), text(browser, "evidence"));
            int evidenceRows = shown(browser);
            assertTrue(evidenceRows >= 1 && evidenceRows < total(browser), evidenceRows + " of " + total(browser));
            browser.screenshot("demo-evidence-http-eavesdrop");

            // HTTPS with a pinned CA: the tamper cell leads to the rejected forgery.
            cell(browser, "https-pinned", "tamper").click();
            Browser.await("the rejected forgery", Duration.ofSeconds(10),
                    () -> text(browser, "detail-title").contains("CERT REJECTED"),
                    () -> "detail: " + text(browser, "detail") + browser.console());
            assertTrue(text(browser, "evidence").contains("rejected"), text(browser, "evidence"));
            browser.screenshot("demo-evidence-https-pinned-tamper");

            // The filter narrows the list: only encrypted flows, then only the proxies' ones.
            WebElement box = browser.driver.findElement(By.id("filter"));
            box.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
            Browser.await("every flow back", Duration.ofSeconds(5), () -> shown(browser) == total(browser),
                    () -> shown(browser) + " of " + total(browser));
            int all = total(browser);
            box.sendKeys("flag:encrypted");
            Browser.await("the filter to apply", Duration.ofSeconds(5), () -> shown(browser) < all,
                    () -> shown(browser) + " of " + all);
            int encrypted = shown(browser);
            assertTrue(encrypted > 0, "no encrypted flow in the demo");
            for (WebElement row : browser.driver.findElements(By.cssSelector("#spacer .flow:not([hidden])"))) {
                assertTrue(row.getText().contains("ENCRYPTED"), row.getText());
            }
            box.sendKeys(" seen:proxy");
            Browser.await("the second term", Duration.ofSeconds(5), () -> shown(browser) < encrypted,
                    () -> shown(browser) + " of " + encrypted);
            browser.screenshot("filter-encrypted-proxy");

            // The stage button replays a stage; its cells empty and fill again.
            try (StageReplays replays = new StageReplays(demo, narration.board(), b -> { }, Demo.Narration.SILENT)) {
                By rerun = By.cssSelector(".rerun[data-stage='http']");
                Browser.await("the button to be enabled", Duration.ofSeconds(5),
                        () -> browser.driver.findElement(rerun).isEnabled(), () -> "disabled");
                // A replay lasts about half a second: the page may show "running" between two looks from here,
                // so the page itself records every state the stage's heading takes from now on.
                browser.driver.executeScript("""
                        window.httpStageStates = [];
                        new MutationObserver(() => {
                          const th = document.querySelector("th[data-stage='http']");
                          if (th) window.httpStageStates.push(th.dataset.state);
                        }).observe(document.getElementById('board-table'),
                                   {childList: true, subtree: true, attributes: true});""");
                browser.driver.findElement(rerun).click();
                By state = By.cssSelector("th[data-stage='http']");
                Browser.await("the stage to run again", Duration.ofSeconds(30),
                        () -> String.valueOf(browser.driver.executeScript("return window.httpStageStates;"))
                                .contains("running"),
                        () -> "board: " + text(browser, "board") + " states seen: "
                                + browser.driver.executeScript("return window.httpStageStates;") + browser.console());
                Browser.await("the stage to finish again", Duration.ofSeconds(60),
                        () -> "done".equals(browser.driver.findElement(state).getAttribute("data-state"))
                                && cell(browser, "http", "session_hijack").getAttribute("class").contains("succeeded"),
                        () -> "board: " + text(browser, "board"));
                browser.screenshot("demo-after-replay");
            }
        }
    }

    @Test
    void aBrowserWithoutTheTokenIsTurnedAway() throws Exception {
        LiveView view = new LiveView("test", 100, List.of());
        try (WebView web = WebView.start(view, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
             Browser browser = Browser.start(dir.resolve("profile"), 1024, 600)) {
            String bare = "http://127.0.0.1:" + web.address().getPort() + "/";
            browser.driver.get(bare);
            String page = browser.driver.findElement(By.tagName("body")).getText();
            assertTrue(page.contains("token is missing or wrong"), page);
            assertTrue(browser.driver.findElements(By.id("list")).isEmpty(), "the page itself was served");
            browser.driver.get(bare + "?token=wrong" + web.url().getQuery().substring(6, 10));
            assertTrue(browser.driver.findElement(By.tagName("body")).getText().contains("token is missing or wrong"));
            browser.screenshot("refused-without-token");
            assertFalse(web.awaitPage(Duration.ofMillis(300)), "a socket was opened without the token");
        }
    }

    private static WebElement cell(Browser browser, String stage, String attack) {
        return browser.driver.findElement(By.cssSelector(".cell[data-stage='" + stage + "'][data-attack='" + attack
                + "']"));
    }

    private static String text(Browser browser, String id) {
        return browser.driver.findElement(By.id(id)).getText();
    }

    private static int shown(Browser browser) {
        return Integer.parseInt(browser.driver.findElement(By.id("list")).getAttribute("data-shown"));
    }

    private static int total(Browser browser) {
        return Integer.parseInt(browser.driver.findElement(By.id("list")).getAttribute("data-total"));
    }
}
