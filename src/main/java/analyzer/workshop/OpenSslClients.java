package analyzer.workshop;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The clients attendees use themselves — curl and Python's requests, both on OpenSSL — run against a URL with a
 * pinned CA, to show beside our client what they print when they refuse a certificate. Each runs only if it is
 * installed, bounded in time; what it printed is reported as it printed it (its first line, or for requests the
 * SSL error inside Python's exception).
 */
final class OpenSslClients {

    /** What one client printed, and the command that made it print that. */
    record Refusal(String client, String command, String printed) {
    }

    /** Fetches the URL trusting only the CA file; prints the SSL error and exits 1 when the certificate is refused. */
    private static final String PYTHON_REQUESTS = String.join("\n",
            "import sys",
            "try:",
            "    import requests",
            "except ImportError:",
            "    sys.exit(3)",
            "try:",
            "    requests.get(sys.argv[1], verify=sys.argv[2], timeout=10)",
            "    print('accepted')",
            "except requests.exceptions.SSLError as e:",
            "    print(e)",
            "    sys.exit(1)",
            "except Exception as e:",
            "    print(e)",
            "    sys.exit(2)");

    /** The OpenSSL error Python wraps in its exceptions: "[SSL: CERTIFICATE_VERIFY_FAILED] … (_ssl.c:1006)". */
    private static final Pattern PYTHON_SSL_ERROR = Pattern.compile("\\[SSL: [A-Z_]+\\] [^'\"]*?\\(_ssl\\.c:\\d+\\)");

    /** Longest a client may take; a workshop laptop under load is slow, a hung client is not waited for longer. */
    private static final Duration LIMIT = Duration.ofSeconds(15);

    private OpenSslClients() {
    }

    /**
     * Runs curl and requests against {@code url}, each trusting only {@code caPem}, and returns what each printed
     * when it failed (a client that is not installed, or that succeeded, is left out).
     */
    static List<Refusal> refusals(URI url, Path caPem) {
        List<Refusal> refusals = new ArrayList<>();
        run(List.of("curl", "--silent", "--show-error", "--max-time", "10", "--cacert", caPem.toString(),
                url.toString())).ifPresent(printed -> refusals.add(new Refusal("curl",
                "curl --cacert " + caPem.getFileName() + " " + url, firstLine(printed))));
        run(List.of(python(), "-c", PYTHON_REQUESTS, url.toString(), caPem.toString())).ifPresent(printed -> {
            Matcher m = PYTHON_SSL_ERROR.matcher(printed);
            refusals.add(new Refusal("requests", "requests.get('" + url + "', verify='" + caPem.getFileName() + "')",
                    m.find() ? m.group() : firstLine(printed)));
        });
        return refusals;
    }

    private static String python() {
        return System.getProperty("os.name", "").startsWith("Windows") ? "python" : "python3";
    }

    /** What the command printed when it failed (exit 1 or curl's 60 and kin), or empty. */
    private static Optional<String> run(List<String> command) {
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("analyzer-client", ".out");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
                            System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null")))
                    .start();
            if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
            int code = process.exitValue();
            String printed = Files.readString(output, StandardCharsets.UTF_8).strip();
            // 0: it accepted; 2 and 3: something else went wrong (python: no requests module).
            boolean refused = code != 0 && code != 2 && code != 3 && !printed.isEmpty();
            return refused ? Optional.of(printed) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    private static String firstLine(String text) {
        int eol = text.indexOf('\n');
        return (eol < 0 ? text : text.substring(0, eol)).strip();
    }
}
