package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.PeerScripts;
import analyzer.capture.TestServers;
import analyzer.workshop.ExternalCommand;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `analyzer proxy` from the command line: what people see, and one-line errors for bad input. */
@Timeout(60)
class ProxyCommandTest {

    @Test
    void eavesdropsAndTampersAndSaysSo() throws Exception {
        HttpServer server = TestServers.plain("fluffy tail");
        int port = freePort();
        try {
            CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.of("proxy",
                    "--listen", "127.0.0.1:" + port, "--upstream", "127.0.0.1:" + server.getAddress().getPort(),
                    "--replace", "fluffy tail=>squirrel party", "--duration", "5s", "--color", "never"));
            String body = getWhenUp(port);
            assertEquals("squirrel party", body);
            CommandRun r = run.get(20, TimeUnit.SECONDS);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().startsWith("proxy 127.0.0.1:" + port + " → 127.0.0.1:" + server.getAddress().getPort()
                    + " (reverse, TLS passed through)"), r.err());
            assertTrue(r.out().contains("EAVESDROP       GET /            ← 200 \"fluffy tail\""), r.out());
            assertTrue(r.out().contains("TAMPERED        response body    \"fluffy tail\" → \"squirrel party\""), r.out());
            assertTrue(r.out().contains("seen by proxy"), r.out());
            assertTrue(r.err().contains("1 HTTP request, 1 response"), r.err());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void jsonForScriptsOneObjectPerLine() throws Exception {
        HttpServer server = TestServers.plain("fluffy tail");
        int port = freePort();
        try {
            CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.of("proxy",
                    "--listen", "127.0.0.1:" + port, "--upstream", "127.0.0.1:" + server.getAddress().getPort(),
                    "--replace", "fluffy tail=>squirrel party", "--duration", "5s", "--format", "json"));
            assertEquals("squirrel party", getWhenUp(port));
            CommandRun r = run.get(20, TimeUnit.SECONDS);
            assertEquals(0, r.code(), r.err());
            java.util.List<com.google.gson.JsonObject> lines = r.out().lines()
                    .map(l -> com.google.gson.JsonParser.parseString(l).getAsJsonObject()).toList();
            var tampered = lines.stream().filter(o -> o.get("event").getAsString().equals("proxy.tampered")).findFirst()
                    .orElseThrow(() -> new AssertionError(r.out()));
            assertEquals("response body", tampered.get("proxy.part").getAsString());
            assertEquals("fluffy tail", tampered.get("proxy.before").getAsString());
            assertEquals("squirrel party", tampered.get("proxy.after").getAsString());
            assertEquals("proxy", tampered.get("seen_by").getAsString());
            var response = lines.stream().filter(o -> o.get("event").getAsString().equals("http.response")).findFirst()
                    .orElseThrow(() -> new AssertionError(r.out()));
            assertEquals("fluffy tail", response.get("http.file_data").getAsString());
            assertEquals("proxy", response.get("seen_by").getAsString());
        } finally {
            server.stop(0);
        }
    }

    /**
     * Python's smtplib through `analyzer proxy` to a small SMTP server: the client waits for the greeting, so the
     * proxy has to connect upstream while it is silent. Two proxies at once: the full printer masks the password,
     * the brief one with --show-secrets shows it on its EAVESDROP line.
     */
    @Test
    void smtpThroughTheProxyIsPrintedWithItsLoginMaskedUnlessAskedToShow(@TempDir Path dir) throws Exception {
        String password = "hunter2-wonderland";
        Path[] certAndKey = PeerScripts.selfSignedCertificate(dir);
        try (PeerScripts.Server smtp = PeerScripts.server(dir, "mail_server.py", "smtp", certAndKey[0].toString(),
                certAndKey[1].toString())) {
            String upstream = "127.0.0.1:" + smtp.port();
            int full = freePort();
            int brief = freePort();
            RunningCommand masked = RunningCommand.start("proxy", "--listen", "127.0.0.1:" + full, "--upstream",
                    upstream, "--color", "never", "--duration", "120s");
            RunningCommand shown = RunningCommand.start("proxy", "--listen", "127.0.0.1:" + brief, "--upstream",
                    upstream, "--color", "never", "--duration", "120s", "--brief", "--show-secrets");
            for (int port : new int[] {full, brief}) {
                awaitListening(port);
                ExternalCommand.Result client = ExternalCommand.run(Duration.ofSeconds(40), PeerScripts.python(dir,
                        "mail_client.py", "smtp", String.valueOf(port), "alice", password));
                assertTrue(client.output().contains("done"), "smtplib through the proxy: " + client.output());
            }
            CommandRun m = masked.stop();
            CommandRun s = shown.stop();
            assertEquals(0, m.code(), m.err());
            assertTrue(m.out().contains("SMTP  220 mail.example ESMTP ready"), m.out());
            assertTrue(m.out().contains("SMTP  ehlo client.example"), m.out());
            assertTrue(m.out().contains("SMTP  AUTH PLAIN  user alice  password hunt…"), m.out());
            assertTrue(m.out().contains("SMTP  message: 3 lines"), m.out());
            assertFalse(m.out().contains(password), m.out());
            assertEquals(0, s.code(), s.err());
            assertTrue(s.out().contains("EAVESDROP       SMTP AUTH PLAIN  user alice  password " + password), s.out());
            assertFalse(s.out().contains("ehlo client.example"), "brief: " + s.out());
        }
    }

    /** `analyzer proxy` running in this JVM until {@link #stop}, the in-process Ctrl-C. */
    private record RunningCommand(Thread thread, AtomicReference<CommandRun> result) {

        static RunningCommand start(String... args) {
            AtomicReference<CommandRun> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(CommandRun.of(args)), "analyzer " + args[0]);
            t.start();
            return new RunningCommand(t, result);
        }

        CommandRun stop() throws InterruptedException {
            thread.interrupt();
            thread.join(30_000);
            assertTrue(result.get() != null, "the command did not stop when interrupted");
            return result.get();
        }
    }

    /** Connects (and hangs up) until the proxy accepts: on a loaded machine its start can take seconds. */
    private static void awaitListening(int port) throws Exception {
        for (int i = 0; i < 600; i++) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the proxy did not start listening on " + port);
    }

    /** Waits for the proxy to listen: on a loaded machine its start can take seconds (its --duration runs from then). */
    private static String getWhenUp(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 600; i++) {
            try {
                return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.net.ConnectException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the proxy did not start listening on " + port);
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        expectUsage("cannot resolve nonsense.invalid", "proxy", "--listen", "nonsense.invalid:8080", "--upstream", "127.0.0.1:1");
        expectUsage("is not FIND=>REPLACEMENT", "proxy", "--upstream", "127.0.0.1:1", "--replace", "oops");
        expectUsage("has no port", "proxy", "--upstream", "localhost");
        expectUsage("apply to --tls intercept only", "proxy", "--upstream", "127.0.0.1:1", "--upstream-insecure");
        expectUsage("Invalid value", "proxy", "--tls", "sideways");
        expectUsage("--mitm-ca", "proxy", "--upstream", "127.0.0.1:1", "--tls", "intercept",
                "--mitm-ca", "/proc/self/no-such-dir/mitm");
        expectUsage("contradict", "proxy", "--upstream", "127.0.0.1:1", "--tls", "intercept",
                "--upstream-insecure", "--upstream-cacert", "ca.pem");
        CommandRun exposed = expectUsage("cannot listen on 192.0.2.1:8080", "proxy", "--listen", "192.0.2.1:8080",
                "--upstream", "127.0.0.1:1");
        assertTrue(exposed.err().startsWith("analyzer: warning: listening on 192.0.2.1:8080, reachable from other"
                + " machines"), exposed.err());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CommandRun r = expectUsage("already in use", "proxy", "--listen", "127.0.0.1:" + taken.getLocalPort(),
                    "--upstream", "127.0.0.1:1", "--duration", "1s");
            assertTrue(r.err().contains("--listen"), r.err());
        }
    }

    private static CommandRun expectUsage(String words, String... args) {
        CommandRun r = CommandRun.of(args);
        assertEquals(ExitCodes.USAGE, r.code(), r.err());
        assertTrue(r.err().startsWith("analyzer: "), r.err());
        assertTrue(r.err().contains(words), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        return r;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
