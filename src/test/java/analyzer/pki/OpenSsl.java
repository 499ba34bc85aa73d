package analyzer.pki;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** The openssl command line, for interop checks. Required in CI; elsewhere its tests skip when it is absent. */
public final class OpenSsl {

    /** What one openssl run printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String output) {
    }

    private static Boolean available;

    private OpenSsl() {
    }

    public static void require() {
        if (!isAvailable()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("openssl is required in CI (.ci/run installs it)");
            }
            Assumptions.assumeTrue(false, "openssl is not installed");
        }
    }

    public static synchronized boolean isAvailable() {
        if (available == null) {
            try {
                available = run("version").code() == 0;
            } catch (RuntimeException e) {
                available = false;
            }
        }
        return available;
    }

    public static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("openssl " + String.join(" ", args) + " did not finish in 30 s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
