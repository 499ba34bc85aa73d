package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.cli.Main;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live capture on the loopback interface with real clients. Needs root or CAP_NET_RAW: skipped without it on a
 * developer's machine, but with CI=true a missing permission fails the test.
 */
@Timeout(90)
class LiveCaptureTest {

    private static final String SECRET = "fluffy tail";

    @TempDir
    Path dir;

    @Test
    void plainHttpIsShownFieldByFieldWithTheSecret() throws Exception {
        HttpServer server = TestServers.plain(SECRET);
        int port = server.getAddress().getPort();
        Path pcap = dir.resolve("live.pcapng");
        try {
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(port), "--duration", "4s",
                    "--write", pcap.toString(), "--color", "never");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/secret")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(SECRET, response.body());
            boolean curl = runCurl("http://127.0.0.1:" + port + "/by-curl");
            capture.finish();
            String out = capture.out.toString();
            assertTrue(out.contains("HTTP request"), out);
            assertTrue(out.contains("GET /secret HTTP/1.1"), out);
            assertTrue(out.contains("HTTP response  200 OK"), out);
            assertTrue(out.contains("│ " + SECRET), out);
            if (curl) {
                assertTrue(out.contains("GET /by-curl HTTP/1.1"), out);
                assertTrue(out.contains("User-Agent      curl/"), out);
            }
            String err = capture.err.toString();
            assertTrue(err.contains("0 dropped by the kernel"), err);
            assertTrue(err.contains("written: " + pcap), err);
            assertTrue(Files.size(pcap) > 24, "the pcap holds packets");
            PcapFilesTest.Result reread = PcapFilesTest.run("read", pcap.toString(), "--color", "never");
            assertEquals(0, reread.code(), reread.err());
            assertTrue(reread.out().contains("│ " + SECRET), reread.out());
            // What the tool saw, as comments on the frames tshark shows the messages in.
            String requestFrame = Tshark.fields(pcap, "http.request.uri == \"/secret\"", "frame.number").get(0);
            String answerFrame = Tshark.fields(pcap, "http.response_for.uri contains \"/secret\"", "frame.number")
                    .get(0);
            List<String> comments = Tshark.fields(pcap, "frame.comment", "frame.number", "frame.comment");
            assertTrue(comments.contains(requestFrame + "\tREADABLE: GET /secret sent in clear"), comments.toString());
            assertTrue(comments.contains(answerFrame + "\tREADABLE: 200 OK to GET /secret sent in clear"),
                    comments.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpsShowsOnlyTlsRecordsAndNeverTheSecret() throws Exception {
        TestTls tls = new TestTls();
        HttpsServer server = TestServers.tls(tls, SECRET);
        int port = server.getAddress().getPort();
        try {
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(port), "--duration", "4s",
                    "--format", "json");
            HttpClient client = HttpClient.newBuilder().sslContext(tls.client).version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(SECRET, response.body());
            capture.finish();
            String out = capture.out.toString();
            assertTrue(out.contains("\"tls.handshake.type\":[\"client_hello\"]"), out);
            assertTrue(out.contains("\"tls.handshake.extensions_server_name\":\"localhost\""), out);
            assertTrue(out.contains("\"tls.record.content_type\":\"application_data\""), out);
            assertFalse(out.contains("\"event\":\"http."), out);
            assertFalse(out.contains(SECRET), "the secret must not be readable on the wire: " + out);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void badInterfaceAndFilterAreOneLineErrors() {
        PcapFilesTest.Result noSuch = PcapFilesTest.run("capture", "--interface", "nosuch0", "--count", "1");
        assertEquals(2, noSuch.code());
        if (noSuch.err().contains("permission") && !"true".equals(System.getenv("CI"))) {
            Assumptions.abort("listing interfaces is not permitted here: " + noSuch.err());
        }
        assertTrue(noSuch.err().startsWith("analyzer: no interface named 'nosuch0'"), noSuch.err());
        assertTrue(noSuch.err().contains("lo"), "the hint lists the real interfaces: " + noSuch.err());
        PcapFilesTest.Result badFilter = PcapFilesTest.run("capture", "--filter", "tcp portt 80", "--count", "1");
        assertEquals(2, badFilter.code());
        assertTrue(badFilter.err().startsWith("analyzer: invalid filter 'tcp portt 80': "), badFilter.err());
        assertFalse(badFilter.err().contains("Exception"), badFilter.err());
    }

    private static boolean runCurl(String url) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("curl", "-s", "-m", "10", url).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(15, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            Assumptions.assumeTrue(System.getenv("CI") == null, "curl is required in CI");
            return false;
        }
    }
}
