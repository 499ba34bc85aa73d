package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The captures shipped in captures/ for workshops read as captures/README.md says. */
class CommittedCapturesTest {

    /** The launcher's class-data sample takes each path it is there to load: plain HTTP, TLS 1.3 opened with the
     *  keys inside the file, HTTP/2 in TLS. */
    @Test
    void theLaunchersSampleReadsPlainHttpAndDecryptsTlsWithTheKeysInside() {
        PcapFilesTest.Result r = PcapFilesTest.run("read", "captures/class-data-sample.pcapng", "--format", "json");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertEquals(2, out.lines().filter(l -> l.contains("\"tls.decryption.outcome\":\"decrypted\"")).count(), out);
        assertEquals(3, out.lines().filter(l -> l.contains("\"event\":\"http.request\"")
                && l.contains("\"http.request.version\":\"HTTP/1.1\"")).count(), out);
        assertEquals(2, out.lines().filter(l -> l.contains("\"event\":\"http.request\"")
                && l.contains("\"http.request.version\":\"HTTP/2\"") && l.contains("\"tls.decrypted\":true")).count(), out);
        assertFalse(out.contains("\"tls.encrypted\":true"), "a record left unopened");
    }

    @Test
    void httpCaptureShowsTheSecretAndThePassword() {
        PcapFilesTest.Result r = PcapFilesTest.run("read", "captures/http-secret.pcap", "--color", "never");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("│ fluffy tail"), r.out());
        assertTrue(r.out().contains("POST /login HTTP/1.1"), r.out());
        assertTrue(r.out().contains("│ username=alice&password=wonderland"), r.out());
    }

    @Test
    void httpsCaptureShowsOnlyTlsRecordsAndTheRejection() {
        PcapFilesTest.Result r = PcapFilesTest.run("read", "captures/https-secret.pcap", "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.out().contains("fluffy tail"), r.out());
        assertFalse(r.out().contains("\"event\":\"http."), r.out());
        assertTrue(r.out().contains("\"tls.handshake.extensions_server_name\":\"localhost\""), r.out());
        assertTrue(r.out().contains("\"tls.alert_message.level\":\"fatal\",\"tls.alert_message.desc\":\"unknown_ca\""),
                r.out());
        assertTrue(r.out().contains("\"tls.record.content_type\":\"application_data\""), r.out());
    }
}
