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
        Files.createFile(keys);
        try {
            BackgroundCapture capture = new BackgroundCapture("capture", "--port", String.valueOf(port),
                    "--duration", "5s", "--keylog", keys.toString(), "--format", "json");
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
        } finally {
            server.stop(0);
        }
    }
}
