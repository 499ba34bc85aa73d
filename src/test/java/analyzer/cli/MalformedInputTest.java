package analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.StandardErrorCapture;
import analyzer.flow.SyntheticConnections;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Damaged traffic read from a capture: what was damaged is shown as events, never as a library's stack trace. */
@Timeout(60)
class MalformedInputTest {

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] corruptGzipResponse() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(ascii("fluffy tail ".repeat(1000)));
        }
        byte[] body = out.toByteArray();
        body[body.length - 8] ^= 1; // the CRC no longer matches
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length
                + "\r\n\r\n"));
        response.writeBytes(body);
        return response.toByteArray();
    }

    /** Two corrupt bodies in one segment: the decompressor fails twice in one write to Netty's channel. */
    private static byte[] twice(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes);
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    /** Everything the run wrote to stderr: the tool's own lines and whatever a library logged. */
    private static CommandRun runCapturingLibraries(String... args) {
        CommandRun[] run = new CommandRun[1];
        String logged = StandardErrorCapture.during(() -> run[0] = CommandRun.of(args));
        return new CommandRun(run[0].code(), run[0].out(), run[0].err() + logged);
    }

    private static void assertNoStackTrace(String err) {
        assertTrue(!err.contains("\tat ") && !err.contains("Exception") && !err.contains("WARN")
                && !err.contains("analyzer: warning"), err);
    }

    @Test
    void corruptGzipBodyIsAMalformedEventInReadAndCheck() throws Exception {
        Path file = dir.resolve("gzip.pcap");
        byte[] get = ascii("GET / HTTP/1.1\r\nHost: 127.0.0.1:5683\r\n\r\n");
        byte[] response = corruptGzipResponse();
        try (SyntheticConnections capture = SyntheticConnections.create(file)) {
            capture.connect(SyntheticConnections.client(1), 40000, 5683).client(get).client(get)
                    .server(twice(response)).close();
        }
        CommandRun read = runCapturingLibraries("read", file.toString(), "--color", "never");
        assertEquals(0, read.code(), read.err());
        assertTrue(read.out().contains("HTTP malformed"), read.out());
        assertTrue(read.out().contains("content could not be decoded: CRC value mismatch"), read.out());
        assertNoStackTrace(read.err());

        CommandRun json = runCapturingLibraries("read", file.toString(), "--format", "json", "--no-summary");
        assertTrue(json.out().contains("\"http.malformed.reason\""), json.out());
        assertEquals("", json.err());

        CommandRun check = runCapturingLibraries("check", "--read", file.toString(), "--color", "never");
        assertEquals(1, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("NOT ENCRYPTED"), check.out());
        assertNoStackTrace(check.err());
    }
}
