package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import analyzer.workshop.ExternalCommand;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS the tool's servers offer, judged from outside by OpenSSL and testssl.sh: `analyzer server --tls` and the
 * forging proxy (`analyzer proxy --tls intercept`), each in its own process as a workshop runs them. Only TLS 1.2
 * and 1.3; under 1.2 only ECDHE with AES-GCM or ChaCha20-Poly1305; no renegotiation started by the client.
 */
@Timeout(900)
class TlsServerPolicyTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern SERVER_URL = Pattern.compile("listening on https://localhost:(\\d+)/");
    private static final Pattern PROXY_BANNER = Pattern.compile("proxy 127\\.0\\.0\\.1:(\\d+) ");
    /** Every TLS 1.2 suite OpenSSL knows of, less those the policy allows. */
    private static final String OUTSIDE_POLICY = "ALL:COMPLEMENTOFALL:!ECDHE+AESGCM:!ECDHE+CHACHA20:@SECLEVEL=0";
    private static final String INSIDE_POLICY = "ECDHE+AESGCM:ECDHE+CHACHA20";

    @TempDir
    static Path dir;

    private static ExternalCommand.Running server;
    private static ExternalCommand.Running proxy;
    private static final List<Target> targets = new ArrayList<>();

    record Target(String name, int port, ExternalCommand.Running process) {
        String address() {
            return "127.0.0.1:" + port;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ExternalCommand.require("openssl");
        // The default keys (RSA) for the server, as a workshop makes them; the proxy forges with EC keys.
        assertEquals(0, CommandRun.of("pki", "ca", "--out", dir.resolve("ca").toString(), "--no-passphrase").code());
        assertEquals(0, CommandRun.of("pki", "server-cert", "--ca-dir", dir.resolve("ca").toString(), "--out",
                dir.resolve("server").toString(), "--no-passphrase").code());
        server = ExternalCommand.start(null, Map.of(), ExternalCommand.analyzer("server", "--port", "0", "--tls",
                "--cert", dir.resolve("server/server-public-key.pem").toString(),
                "--key", dir.resolve("server/server-private-key.pem").toString()));
        Matcher url = SERVER_URL.matcher(server.awaitLine("listening on", START));
        assertTrue(url.find());
        int serverPort = Integer.parseInt(url.group(1));
        targets.add(new Target("server --tls", serverPort, server));
        proxy = ExternalCommand.start(null, Map.of(), ExternalCommand.analyzer("proxy", "--listen", "127.0.0.1:0",
                "--upstream", "localhost:" + serverPort, "--tls", "intercept",
                "--upstream-cacert", dir.resolve("ca/ca-public-key.pem").toString(),
                "--mitm-ca", dir.resolve("mitm").toString(), "--brief"));
        targets.add(new Target("proxy --tls intercept", awaitProxyPort(proxy), proxy));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int awaitProxyPort(ExternalCommand.Running proxy) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = PROXY_BANNER.matcher(proxy.stderr());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(100);
        }
        return fail("the proxy did not start: " + proxy.stderr());
    }

    /** testssl takes seconds even to print its version on a busy machine: found on the PATH is enough. */
    private static void requireOnPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, tool))) {
                return;
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(tool + " is required in CI (.ci/run installs it)");
        }
        org.junit.jupiter.api.Assumptions.abort(tool + " is not installed");
    }

    /** One s_client handshake (no request sent): its output. */
    private static String handshake(Target t, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", t.address(),
                "-servername", "localhost"));
        command.addAll(List.of(options));
        return ExternalCommand.run(Duration.ofSeconds(30), command).output();
    }

    private static boolean negotiated(String output) {
        return output.contains("New, TLSv1") && !output.contains("Cipher is (NONE)");
    }

    @Test
    void onlyTls12And13WithForwardSecretAeadSuites() throws Exception {
        for (Target t : targets) {
            String inside = handshake(t, "-tls1_2", "-cipher", INSIDE_POLICY);
            assertTrue(negotiated(inside), t.name() + ": " + inside);
            String tls13 = handshake(t, "-tls1_3");
            assertTrue(tls13.contains("New, TLSv1.3"), t.name() + ": " + tls13);
            String outside = handshake(t, "-tls1_2", "-cipher", OUTSIDE_POLICY);
            assertFalse(negotiated(outside), t.name() + " accepted a suite outside the policy: " + outside);
            for (String old : new String[] {"-tls1", "-tls1_1"}) {
                String refused = handshake(t, old, "-cipher", "ALL:@SECLEVEL=0");
                assertFalse(negotiated(refused), t.name() + " accepted " + old + ": " + refused);
            }
        }
        // The reason is logged once, after the log line's own prefix.
        assertTrue(server.stderr().contains("https  TLS handshake failed: no cipher suites in common\n"),
                server.stderr());
        assertFalse(server.stderr().contains("TLS handshake failed: TLS handshake failed"), server.stderr());
    }

    /** `openssl s_client -tls1_2`, then "R" (renegotiate), then a request: it must not be served. */
    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        for (Target t : targets) {
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", t.address(), "-servername", "localhost",
                    "-tls1_2").redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                Thread.sleep(1500);
                in.write("R\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                Thread.sleep(1500);
                in.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                in.flush();
                Thread.sleep(1500);
            } catch (IOException e) {
                // s_client already gave up: the renegotiation was refused
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(output.contains("RENEGOTIATING"), t.name() + ": " + output);
            assertFalse(output.contains("fluffy tail"), t.name() + " served a request after renegotiating: " + output);
            assertTrue(output.contains("alert handshake failure") || output.contains("alert number 40"),
                    t.name() + ": " + output);
        }
    }

    /**
     * testssl.sh's protocol, cipher category, forward secrecy, server preference, renegotiation and LUCKY13 checks:
     * nothing rated LOW or worse. (Its certificate and HTTP header sections judge the workshop's deliberately
     * short-lived private-CA certificates and a demo site's headers, not the TLS policy.)
     */
    @Test
    void testsslFlagsNothing() throws Exception {
        requireOnPath("testssl");
        // Both targets at once: testssl mostly waits on its many openssl runs.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(targets.size());
        try {
            List<java.util.concurrent.Future<List<String>>> runs = new ArrayList<>();
            for (Target t : targets) {
                runs.add(pool.submit(() -> testssl(t)));
            }
            List<String> findings = new ArrayList<>();
            for (java.util.concurrent.Future<List<String>> run : runs) {
                findings.addAll(run.get());
            }
            assertEquals(List.of(), findings);
        } finally {
            pool.shutdownNow();
        }
    }

    /** What testssl rates LOW or worse on one target. */
    private static List<String> testssl(Target t) throws Exception {
        Path json = dir.resolve("testssl-" + t.port() + ".json");
        ExternalCommand.Result run = ExternalCommand.run(Duration.ofMinutes(12), List.of("testssl", "--quiet",
                "--color", "0", "--warnings", "off", "--connect-timeout", "10", "--openssl-timeout", "10",
                "-p", "-s", "-f", "-P", "-R", "-L", "--jsonfile", json.toString(), "--ip", "127.0.0.1",
                "https://localhost:" + t.port() + "/"));
        assertTrue(Files.exists(json), t.name() + ": " + run.output());
        List<String> findings = new ArrayList<>();
        int checks = 0;
        for (JsonElement e : JsonParser.parseString(Files.readString(json)).getAsJsonArray()) {
            JsonObject finding = e.getAsJsonObject();
            String severity = finding.get("severity").getAsString();
            String id = finding.get("id").getAsString();
            checks++;
            // WARN engine_problem: this machine's openssl lacks GOST engines, nothing about the server.
            boolean fine = severity.equals("OK") || severity.equals("INFO")
                    || (severity.equals("WARN") && id.equals("engine_problem"));
            if (!fine) {
                findings.add(t.name() + ": " + severity + " " + id + " " + finding.get("finding").getAsString());
            }
        }
        assertTrue(checks > 20, t.name() + " ran too few checks: " + run.output());
        return findings;
    }
}
