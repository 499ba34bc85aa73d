package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs `analyzer capture` in the background until it has started; {@link #finish} waits for its end. Without
 * capture permission the test is skipped, except in CI (CI=true), where it fails.
 */
public final class BackgroundCapture {
    public final StringWriter out = new StringWriter();
    public final StringWriter err = new StringWriter();
    private final AtomicInteger code = new AtomicInteger(-1);
    private final Thread thread;

    public BackgroundCapture(String... args) throws InterruptedException {
        thread = new Thread(() -> code.set(Main.execute(args, new PrintWriter(out), new PrintWriter(err))));
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!err.toString().contains("Capturing on") && thread.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!thread.isAlive() && code.get() == 2 && err.toString().contains("permission")) {
            Assumptions.assumeTrue("true".equals(System.getenv("CI")) ? fail(err) : false,
                    "live capture not permitted here: " + err);
        }
        assertTrue(err.toString().contains("Capturing on"), "capture did not start: " + err);
        Thread.sleep(300); // libpcap's filter is installed once "Capturing" is printed; let the ring settle
    }

    private static boolean fail(StringWriter err) {
        throw new AssertionError("CI=true but live capture is not permitted: " + err);
    }

    public void finish() throws InterruptedException {
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(thread.isAlive(), "capture did not stop");
        assertEquals(0, code.get(), err.toString());
    }
}
