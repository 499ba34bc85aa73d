package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --web} and {@code analyzer web} from the command line: the URL printed, the page served, the errors. */
@Timeout(60)
class WebCommandTest {

    private static final Pattern URL = Pattern.compile("web view: (http://127\\.0\\.0\\.1:(\\d+)/\\?token=(\\S+))");

    @TempDir
    Path dir;

    /** A command running in the background until its page has been announced. */
    static final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread thread;
        final Matcher url;

        Running(String... args) throws InterruptedException {
            thread = new Thread(() -> code.set(Main.execute(args, new PrintWriter(out, true),
                    new PrintWriter(err, true))));
            thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Matcher m = URL.matcher("");
            while (System.nanoTime() < deadline && thread.isAlive() && !(m = URL.matcher(err.toString())).find()) {
                Thread.sleep(20);
            }
            // The command may end between a look at its output and the next; read what it printed once more.
            m = URL.matcher(err.toString());
            assertTrue(m.find(), "no URL printed: " + err);
            url = m;
        }

        void await(String said) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err.toString().contains(said) && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(err.toString().contains(said), "never said '" + said + "': " + err);
        }

        int finish() throws InterruptedException {
            thread.join(30_000);
            assertFalse(thread.isAlive(), "still running: " + err);
            return code.get();
        }
    }

    @Test
    void readWithWebPrintsOneUrlAndServesTheFileUntilTheLingerEnds() throws Exception {
        Running run = new Running("read", "captures/http-secret.pcap", "--web", "--web-linger", "5s");
        run.await("the page stays open");
        // The text output is as without --web; the page has the file's flows meanwhile.
        String token = run.url.group(3);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + run.url.group(2);
        HttpResponse<String> detail = http.send(HttpRequest.newBuilder(URI.create(base + "/api/flows/1-1"))
                .header("Authorization", "Bearer " + token).timeout(java.time.Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, detail.statusCode(), detail.body());
        assertTrue(detail.body().contains("fluffy tail"), detail.body());
        assertEquals(403, http.send(HttpRequest.newBuilder(URI.create(base + "/api/flows/1-1"))
                .timeout(java.time.Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(0, run.finish());
        assertTrue(run.out.toString().contains("fluffy tail"), "the terminal output is unchanged");
        assertEquals(1, count(run.err.toString(), "token="), "one URL with the token: " + run.err);
        assertTrue(run.err.toString().contains("the page stays open at " + base + "/ for 5 s"), run.err.toString());
    }

    @Test
    void tlsDecryptedWithTheKeysInTheCaptureIsDecryptedNotReadable() throws Exception {
        Running run = new Running("web", "--read", "captures/tls/tls13-aes128gcm-curl-with-keys.pcapng",
                "--web-linger", "5s");
        run.await("the page stays open");
        HttpResponse<String> detail = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + run.url.group(2) + "/api/flows/1-1"))
                .header("Authorization", "Bearer " + run.url.group(3)).timeout(java.time.Duration.ofSeconds(3))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, detail.statusCode(), detail.body());
        com.google.gson.JsonObject flow = com.google.gson.JsonParser.parseString(detail.body()).getAsJsonObject()
                .getAsJsonObject("flow");
        String flags = flow.getAsJsonArray("flags").toString();
        assertTrue(flags.contains("\"encrypted\"") && flags.contains("\"decrypted\""), flags);
        assertFalse(flags.contains("\"readable\""), "readable only with the keys: " + flags);
        assertEquals("TLS/HTTP", flow.get("proto").getAsString());
        assertTrue(flow.get("summary").getAsString().startsWith("GET /"), flow.toString());
        assertEquals(0, run.finish());
    }

    @Test
    void webShowsAFileWithoutPrintingIt() throws Exception {
        Running run = new Running("web", "--read", "captures/https-secret.pcap", "--web-linger", "0");
        assertEquals(0, run.finish());
        assertEquals("", run.out.toString(), "the page is the output");
    }

    @Test
    void badWebOptionsAreOneLineErrors() {
        CommandRun port = CommandRun.of("read", "captures/http-secret.pcap", "--web-listen", "127.0.0.1:99999");
        assertEquals(2, port.code());
        assertTrue(port.err().startsWith("analyzer: --web-listen: '99999' in '127.0.0.1:99999' is not a port"),
                port.err());

        CommandRun flows = CommandRun.of("web", "--read", "captures/http-secret.pcap", "--web-flows", "0");
        assertEquals(2, flows.code());
        assertTrue(flows.err().startsWith("analyzer: --web-flows must be between 1 and"), flows.err());

        CommandRun both = CommandRun.of("web", "--read", "captures/http-secret.pcap", "--port", "5683");
        assertEquals(2, both.code());

        CommandRun probeOnly = CommandRun.of("check", "--probe", "127.0.0.1:1", "--web");
        assertEquals(2, probeOnly.code());
        assertTrue(probeOnly.err().contains("--web shows the traffic being judged"), probeOnly.err());

        CommandRun missing = CommandRun.of("web", "--read", "no-such.pcap", "--web-linger", "0");
        assertEquals(2, missing.code());
        assertFalse(missing.err().contains("Exception"), missing.err());
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CommandRun run = CommandRun.of("read", "captures/http-secret.pcap", "--web-listen",
                    "127.0.0.1:" + taken.getLocalPort());
            assertEquals(2, run.code());
            assertTrue(run.err().startsWith("analyzer: --web-listen: cannot serve the page on 127.0.0.1:"), run.err());
            assertEquals(2, run.err().lines().count(), run.err());
        }
    }

    @Test
    void openStartsTheBrowserNamedByBROWSERWithTheUrl() throws Exception {
        Path opened = dir.resolve("opened.txt");
        Path browser = dir.resolve("browser.sh");
        Files.writeString(browser, "#!/bin/sh\necho \"$1\" > '" + opened + "'\n");
        Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "analyzer.cli.Main", "read",
                "captures/http-secret.pcap", "--open", "--web-linger", "0"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("BROWSER", browser.toString());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        Matcher m = URL.matcher(err);
        assertTrue(m.find(), err);
        assertEquals(m.group(1), Files.readString(opened).strip());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
