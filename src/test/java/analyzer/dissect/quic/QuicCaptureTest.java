package analyzer.dissect.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.capture.Tshark;
import analyzer.cli.CommandRun;
import analyzer.flow.FrameBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 9001's sample Initials as datagrams in a capture: what `read` shows, and what tshark reads from the same file. */
class QuicCaptureTest {

    private static final byte[] LOCAL = {127, 0, 0, 1};

    @TempDir
    Path dir;

    private Path appendixACapture() throws Exception {
        Path file = dir.resolve("rfc9001.pcap");
        Tshark.write(file, List.of(
                FrameBuilder.ethernet(FrameBuilder.ipv4Udp(LOCAL, LOCAL, 51000, 4433, Rfc9001Vectors.CLIENT_INITIAL),
                        false),
                FrameBuilder.ethernet(FrameBuilder.ipv4Udp(LOCAL, LOCAL, 4433, 51000, Rfc9001Vectors.SERVER_INITIAL),
                        false)));
        return file;
    }

    @Test
    void sniOfTheClientInitialIsReadAsTsharkReadsIt() throws Exception {
        Path file = appendixACapture();
        CommandRun text = CommandRun.of("read", file.toString(), "--color", "never");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("#1  127.0.0.1:51000 → 127.0.0.1:4433  QUIC  Initial  QUIC v1  ClientHello  "
                + "SNI example.com, ALPN alpn, offers TLS 1.3"), text.out());
        assertTrue(text.out().contains("#1  127.0.0.1:4433 → 127.0.0.1:51000  QUIC  Initial  QUIC v1  ServerHello  "
                + "TLS 1.3, TLS_AES_128_GCM_SHA256"), text.out());

        CommandRun json = CommandRun.of("read", file.toString(), "--format", "json");
        String[] lines = json.out().split("\n");
        assertEquals(2, lines.length, json.out());
        assertTrue(lines[0].contains("\"event\":\"quic\""), lines[0]);
        assertTrue(lines[0].contains("\"udp.srcport\":51000"), lines[0]);
        assertTrue(lines[0].contains("\"quic.packet_type\":\"Initial\",\"quic.version\":\"0x00000001\","
                + "\"quic.dcid\":\"8394c8f03e515708\""), lines[0]);

        List<String> tshark = Tshark.fields(file, "quic", "quic.version", "quic.dcid",
                "tls.handshake.extensions_server_name", "tls.handshake.ciphersuite");
        // tshark lists the ClientHello's offered suites and the ServerHello's chosen one under the same field.
        assertEquals(List.of("0x00000001\t8394c8f03e515708\texample.com\t0x1301,0x1302",
                "0x00000001\t\t\t0x1301"), tshark, "tshark's reading of the same file");
        assertTrue(lines[0].contains("\"tls.handshake.extensions_server_name\":\"example.com\""), lines[0]);
        assertTrue(lines[1].contains("\"tls.handshake.ciphersuite\":\"TLS_AES_128_GCM_SHA256\""), lines[1]);
    }
}
