package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.BrotliCli;
import analyzer.flow.SyntheticConnections;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A br body (Content-Encoding: br, as browsers and CDNs send it) in a capture: read and check see it decoded. */
@Timeout(60)
class BrotliCaptureTest {

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readShowsTheDecodedBodyAndCheckFindsTheSecretInIt() throws Exception {
        byte[] br = BrotliCli.compress(ascii("<p>the secret is fluffy tail</p>\n"));
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: br\r\n"
                + "Content-Length: " + br.length + "\r\n\r\n"));
        response.writeBytes(br);
        Path file = dir.resolve("br.pcap");
        try (SyntheticConnections capture = SyntheticConnections.create(file)) {
            capture.connect(SyntheticConnections.client(1), 40000, 5683)
                    .client(ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1:5683\r\nAccept-Encoding: br\r\n\r\n"))
                    .server(response.toByteArray()).close();
        }
        CommandRun read = CommandRun.of("read", file.toString(), "--color", "never");
        assertEquals(0, read.code(), read.err());
        assertTrue(read.out().contains("<p>the secret is fluffy tail</p>"), read.out());
        assertTrue(!read.out().contains("malformed"), read.out());

        CommandRun check = CommandRun.of("check", "--read", file.toString(), "--secret", "fluffy tail",
                "--color", "never");
        assertEquals(1, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("\"fluffy tail\" in the response body (br)"), check.out());
    }
}
