package analyzer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What a piece of code wrote to {@code System.err}, where libraries log: tests use it to show that no library
 * prints a stack trace (or anything else) while the tool handles bad input. Not for tests that run in parallel.
 */
public final class StandardErrorCapture {

    private StandardErrorCapture() {
    }

    public static String during(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            action.run();
        } finally {
            System.setErr(original);
            capture.flush();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
