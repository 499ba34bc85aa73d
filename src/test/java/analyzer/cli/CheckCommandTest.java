package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.TestServers;
import analyzer.capture.TestTls;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `analyzer check` on the committed captures, on live loopback traffic, and with --probe. */
@Timeout(120)
class CheckCommandTest {

    private static final String SECRET = "fluffy tail";

    @TempDir
    Path dir;

    @Test
    void plaintextCaptureIsNotEncryptedAndListsWhatLeaked() {
        CommandRun r = CommandRun.of("check", "--read", "captures/http-secret.pcap", "--secret", SECRET,
                "--color", "never");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOT ENCRYPTED — 2 of 2 connections readable on the wire"), r.out());
        assertTrue(r.out().contains("1 HTTP request in clear (GET /)  (frame 4)"), r.out());
        assertTrue(r.out().contains("credentials   POST /login  password=wond… in the form  (frame 14)"), r.out());
        assertTrue(r.out().contains("\"fluffy tail\" in the server's bytes  (frame 6)"), r.out());
        assertFalse(r.out().contains("wonderland"), "the password itself is not put on the projector: " + r.out());
    }

    @Test
    void tlsCaptureIsEncryptedAndWarnsAboutTheAlert() {
        CommandRun r = CommandRun.of("check", "--read", "captures/https-secret.pcap", "--secret", SECRET,
                "--color", "never");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ENCRYPTED — every connection with data was TLS (2 connections)"), r.out());
        assertTrue(r.out().contains("TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, SNI localhost"), r.out());
        assertTrue(r.out().contains("⚠ handshake alert from the client: fatal unknown_ca"), r.out());
        assertFalse(r.out().contains("secret "), r.out());
    }

    @Test
    void jsonVerdictForScripts() {
        CommandRun r = CommandRun.of("check", "--read", "captures/http-secret.pcap", "--format", "json");
        assertEquals(1, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].startsWith("{\"event\":\"check.flow\",\"flow\":1,"), lines[0]);
        assertTrue(lines[0].contains("\"kind\":\"readable\""), lines[0]);
        assertTrue(lines[2].startsWith("{\"event\":\"check.verdict\",\"verdict\":\"not_encrypted\""), lines[2]);
        assertTrue(lines[2].endsWith("\"exit_code\":1}"), lines[2]);
    }

    @Test
    void aCaptureWithoutDataHasNothingToJudge() throws IOException {
        Path empty = dir.resolve("empty.pcap");
        // A pcap header (Ethernet link type) and no packets.
        Files.write(empty, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
            0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 1, 0, 0, 0});
        CommandRun r = CommandRun.of("check", "--read", empty.toString(), "--color", "never");
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("NOTHING TO JUDGE — no data seen"), r.out());
    }

    @Test
    void usageErrorsAreOneLine() {
        for (String[] args : new String[][] {
            {"check"},
            {"check", "--read", "captures/http-secret.pcap", "--port", "5683"},
            {"check", "--read", "no-such-file.pcap"},
            {"check", "--probe", "localhost"},
            {"check", "--read", "captures/http-secret.pcap", "--cacert", "ca.pem"},
            {"check", "--read", "captures/http-secret.pcap", "--secret", ""},
        }) {
            CommandRun r = CommandRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("analyzer: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertTrue(r.err().lines().count() <= 2, r.err());
        }
    }

    @Test
    void liveHttpIsNotEncryptedAndTheProbeSeesPlaintext() throws Exception {
        HttpServer server = TestServers.plain(SECRET);
        int port = server.getAddress().getPort();
        try {
            Check check = new Check("check", "--port", String.valueOf(port), "--duration", "3s", "--secret", SECRET,
                    "--probe", "127.0.0.1:" + port, "--color", "never");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(SECRET, response.body());
            check.finish();
            String out = check.out.toString();
            assertEquals(1, check.code.get(), out + check.err);
            assertTrue(out.contains("NOT ENCRYPTED — 1 of 1 connection readable on the wire"), out);
            assertTrue(out.contains("\"fluffy tail\" in the server's bytes"), out);
            assertTrue(out.matches("(?s).*plaintext HTTP +ANSWERED: HTTP/1.1 200 OK.*"), out);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void liveHttpsIsEncryptedAndTheProbeListsVersions() throws Exception {
        TestTls tls = new TestTls();
        HttpsServer server = TestServers.tls(tls, SECRET);
        int port = server.getAddress().getPort();
        try {
            Check check = new Check("check", "--port", String.valueOf(port), "--duration", "3s", "--secret", SECRET,
                    "--probe", "localhost:" + port, "--color", "never");
            HttpClient client = HttpClient.newBuilder().sslContext(tls.client).version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(SECRET, response.body());
            check.finish();
            String out = check.out.toString();
            assertTrue(out.contains("ENCRYPTED — every connection with data was TLS (1 connection)"), out);
            assertTrue(out.contains("SNI localhost"), out);
            assertTrue(out.matches("(?s).*TLS 1.0 +not accepted.*"), out);
            assertTrue(out.matches("(?s).*TLS 1.3 +accepted \\(TLS_.*"), out);
            // The certificate is self-signed: the JDK's trust store does not know it, and the probe says so.
            assertTrue(out.matches("(?s).*certificate \\(JDK trust store\\) +FAILS: unable to get local issuer.*"), out);
            assertEquals(1, check.code.get(), "an unverifiable certificate fails the check: " + out);
        } finally {
            server.stop(0);
        }
    }

    /** Runs `analyzer check` live in the background until it has started watching. */
    static final class Check {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread thread;

        Check(String... args) throws InterruptedException {
            thread = new Thread(() -> code.set(Main.execute(args, new PrintWriter(out), new PrintWriter(err))));
            thread.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err.toString().contains("Checking ") && thread.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (!thread.isAlive() && err.toString().contains("permission")) {
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError("CI=true but live capture is not permitted: " + err);
                }
                Assumptions.abort("live capture not permitted here: " + err);
            }
            assertTrue(err.toString().contains("Checking "), "check did not start: " + err);
            Thread.sleep(300);
        }

        void finish() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(thread.isAlive(), "check did not stop");
        }
    }
}
