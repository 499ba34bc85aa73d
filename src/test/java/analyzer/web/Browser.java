package analyzer.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium, driven through its chromedriver: the page as people see it. Skipped where the
 * packages are missing, except with CI=true (.ci/run installs them), where a missing browser fails the test.
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "web-screenshots");
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** A fresh browser with its own profile, the window a projector's size. */
    static Browser start(Path profile, int width, int height) {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but chromium or chromedriver is missing: apt-get install chromium"
                        + " chromium-driver");
            }
            Assumptions.assumeTrue(false, "chromium and chromium-driver are not installed here");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // As root Chromium needs --no-sandbox; without the networking switches it tries to reach Google's servers.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + width + "," + height, "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // The window's size includes what headless Chromium keeps for its own frame: make the page's viewport the
        // size asked for, as a projector's would be.
        Object inner = driver.executeScript("return [window.innerWidth, window.innerHeight];");
        if (inner instanceof java.util.List<?> wh && wh.size() == 2) {
            int dw = width - ((Number) wh.get(0)).intValue();
            int dh = height - ((Number) wh.get(1)).intValue();
            if (dw != 0 || dh != 0) {
                org.openqa.selenium.Dimension now = driver.manage().window().getSize();
                driver.manage().window().setSize(new org.openqa.selenium.Dimension(now.getWidth() + dw,
                        now.getHeight() + dh));
            }
        }
        return new Browser(driver);
    }

    /** Saves what the browser shows as target/web-screenshots/NAME.png, for a person to look at. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the page logged to its console (errors included), for a failure message. */
    String console() {
        StringBuilder sb = new StringBuilder();
        driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)
                .forEach(entry -> sb.append("\n  console: ").append(entry.getMessage()));
        return sb.toString();
    }

    /** Polls until the condition holds; fails with what {@code state} says when it does not within the time. */
    static void await(String what, Duration timeout, Supplier<Boolean> condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException e) {
                // the page is between two renders: try again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; " + state.get());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
