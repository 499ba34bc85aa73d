package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.workshop.ExternalCommand;
import com.sun.net.httpserver.HttpsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `capture --keylog` reads the key lines curl appends while it connects (SSLKEYLOGFILE), and shows what its TLS
 * carried as it happens. Needs live capture (root in CI) and curl.
 */
@Timeout(90)
class LiveDecryptionTest {

    private static final String SECRET = "fluffy tail";

    @TempDir
    Path dir;

    @Test
    void keysAppendedWhileCapturingOpenTheConnectionsTheyBelongTo() throws Exception {
        ExternalCommand.require("curl");
        TestTls tls = new TestTls();
        HttpsServer server = TestServers.tls(tls, SECRET);
        int port = server.getAddress().getPort();
        Path keys = dir.resolve("keys.log");
        // The keys of a connection this capture never sees: they must not go into the file it writes.
        String elsewhere = "CLIENT_RANDOM " + "5e".repeat(32) + " " + "ab".repeat(48);
        Files.writeString(keys, elsewhere + "\n");
        Path written = dir.resolve("live.pcapng");
        try {
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(port),
                    "--duration", "5s", "--keylog", keys.toString(), "--format", "json", "--write",
                    written.toString());
            for (String path : new String[] {"/first", "/second"}) {
                ProcessBuilder curl = new ProcessBuilder("curl", "-sk", "-m", "10", "https://127.0.0.1:" + port + path)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                curl.environment().put("SSLKEYLOGFILE", keys.toString());
                Process p = curl.start();
                assertTrue(p.waitFor(15, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
            }
            capture.finish();
            String out = capture.out.toString();
            assertTrue(out.contains("\"http.request.method\":\"GET\",\"http.request.uri\":\"/first\""), out);
            assertTrue(out.contains("\"http.request.uri\":\"/second\""), out);
            assertTrue(out.contains("\"http.file_data\":\"" + SECRET + "\""), out);
            assertEquals(2, out.split("\"tls.decryption.outcome\":\"decrypted\"", -1).length - 1, out);
            assertTrue(out.contains("\"tls.decrypted\":true"), out);
            assertTrue(capture.err.toString().contains("2 TLS connections decrypted"), capture.err.toString());

            // The file written carries the keys of what it decrypted: tshark reads inside with no key log.
            assertTrue(capture.err.toString().contains("the TLS keys of the 2 connections decrypted are inside it"),
                    capture.err.toString());
            assertEquals(java.util.List.of("/first", "/second"), Tshark.fields(written, "http.request",
                    "http.request.uri"));
            assertEquals(java.util.List.of(SECRET), Tshark.fields(written, "http.response", "http.file_data").stream()
                    .distinct().toList());
            assertTrue(!Files.readString(written, java.nio.charset.StandardCharsets.ISO_8859_1).contains("5e".repeat(32)),
                    "only the keys of the connections in the file");
        } finally {
            server.stop(0);
        }
    }
}
