package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.PacketDecoder;
import analyzer.workshop.ExternalCommand;
import com.sun.net.httpserver.HttpsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * pcapng as Wireshark reads it: the frames, a comment on the frames we name (tshark's frame.comment), and TLS secrets
 * in a Decryption Secrets Block that let tshark decrypt what curl sent. Judged by tshark, required in CI.
 */
@Timeout(120)
class PcapngWriterTest {

    @TempDir
    Path dir;

    @Test
    void tsharkShowsTheCommentsOnTheFramesTheyWereGivenFor() throws Exception {
        Path file = dir.resolve("commented.pcapng");
        long ts = 1_763_928_242_000_000L;
        try (PcapngWriter writer = PcapngWriter.create(file, PacketDecoder.DLT_EN10MB, 65535)) {
            writer.comment(4, "READABLE: GET / sent in clear"); // before the frame is written: kept for it
            for (byte[] f : SyntheticCapture.frames()) {
                writer.write(ts, f, f.length, f.length);
                ts += 150;
            }
            writer.comment(7, "SECRET SEEN: \"fluffy tail\" readable in this frame");
            writer.comment(7, "READABLE: 200 OK to GET / sent in clear");
            writer.comment(7, "READABLE: 200 OK to GET / sent in clear"); // the same twice is said once
            writer.comment(99, "past the last frame: dropped");
        }
        List<String> comments = Tshark.fields(file, "frame.comment", "frame.number", "frame.comment");
        assertEquals(List.of("4\tREADABLE: GET / sent in clear",
                "7\tSECRET SEEN: \"fluffy tail\" readable in this frame,READABLE: 200 OK to GET / sent in clear"),
                comments);
        // Every frame is there, with its time, as the pcap writer writes it.
        Path pcap = dir.resolve("same.pcap");
        SyntheticCapture.write(pcap);
        assertEquals(Tshark.fields(pcap, "frame", "frame.number", "frame.time_epoch", "frame.len", "tcp.seq_raw"),
                Tshark.fields(file, "frame", "frame.number", "frame.time_epoch", "frame.len", "tcp.seq_raw"));
        // And our own reader reads it as it reads the pcap.
        PcapFilesTest.Result ours = PcapFilesTest.run("read", file.toString(), "--color", "never");
        assertEquals(0, ours.code(), ours.err());
        assertEquals(PcapFilesTest.run("read", pcap.toString(), "--color", "never").out(), ours.out());
    }

    @Test
    void theDecodeAsHintMakesTsharkSeeHttpOnPort5683() throws Exception {
        Path file = dir.resolve("coap-port.pcapng");
        long ts = 1_763_928_242_000_000L;
        try (PcapngWriter writer = PcapngWriter.create(file, PacketDecoder.DLT_EN10MB, 65535)) {
            for (byte[] f : SyntheticCapture.frames()) {
                writer.write(ts, f, f.length, f.length);
                ts += 150;
            }
        }
        assertEquals(List.of(), Tshark.fields(file, "http.request", "frame.number"), "tshark alone calls it CoAP");
        assertEquals(List.of("4\tGET"), Tshark.fields(file, List.of("tcp.port==5683,http"), "http.request",
                "frame.number", "http.request.method"));
    }

    /**
     * curl's TLS 1.3 session, captured live, with curl's key log embedded: tshark decrypts the request from the file
     * alone (and not without the keys), and our reader finds the same secrets in it.
     */
    @Test
    void embeddedSecretsLetTsharkDecryptCurlsSession() throws Exception {
        ExternalCommand.require("curl");
        HttpsServer server = TestServers.tls(new TestTls(), "fluffy tail");
        int port = server.getAddress().getPort();
        Path keyLog = dir.resolve("keys.log");
        Path plain = dir.resolve("tls.pcapng");
        Path withKeys = dir.resolve("tls-with-keys.pcapng");
        LivePacketSource source;
        try {
            source = LivePacketSource.open(LiveCaptureOptions.loopback("tcp port " + port));
        } catch (CaptureException e) {
            org.junit.jupiter.api.Assumptions.assumeFalse(!"true".equals(System.getenv("CI"))
                    && e.getMessage().contains("permission"), "live capture not permitted here");
            throw e;
        }
        try (source;
             PcapngWriter without = PcapngWriter.create(plain, source.linkType(), 262_144);
             PcapngWriter with = PcapngWriter.create(withKeys, source.linkType(), 262_144)) {
            Thread capturing = new Thread(() -> {
                try {
                    source.run((frame, ts, data, caplen, origLen) -> {
                        without.write(ts, data, caplen, origLen);
                        with.write(ts, data, caplen, origLen);
                    });
                } catch (CaptureException e) {
                    throw new IllegalStateException(e);
                }
            });
            capturing.start();
            Thread.sleep(300);
            ExternalCommand.Result curl = ExternalCommand.run(Duration.ofSeconds(60), List.of("env", "SSLKEYLOGFILE="
                    + keyLog, "curl", "--silent", "--show-error", "--insecure", "--tlsv1.3", "--max-time", "50",
                    "https://localhost:" + port + "/with-keys"));
            assertEquals("fluffy tail", curl.output());
            Thread.sleep(500); // libpcap hands frames over every 50 ms
            source.stop();
            capturing.join(10_000);
            with.secrets(Files.readString(keyLog));
        } finally {
            server.stop(0);
        }
        assertTrue(Files.readString(keyLog).contains("CLIENT_TRAFFIC_SECRET_0"));
        List<String> decoding = List.of("tcp.port==" + port + ",tls");
        assertEquals(List.of(), Tshark.fields(plain, decoding, "http.request", "http.request.uri"),
                "without the keys nothing is readable");
        assertEquals(List.of("/with-keys"), Tshark.fields(withKeys, decoding, "http.request", "http.request.uri"));

        List<String> found = new ArrayList<>();
        try (FilePacketSource file = FilePacketSource.open(withKeys)) {
            file.onSecrets(found::add);
            file.run((frame, ts, data, caplen, origLen) -> { });
        }
        assertTrue(String.join("", found).contains("CLIENT_TRAFFIC_SECRET_0"), found.toString());
    }

    @Test
    void aPcapNameGetsAClassicPcapWithoutComments() throws Exception {
        try (CaptureWriter pcap = CaptureWriter.create(dir.resolve("x.pcap"), PacketDecoder.DLT_EN10MB, 65535);
             CaptureWriter pcapng = CaptureWriter.create(dir.resolve("x.pcapng"), PacketDecoder.DLT_EN10MB, 65535)) {
            assertTrue(!pcap.annotates() && pcapng.annotates());
        }
        assertEquals(0x0A0D0D0A, java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("x.pcapng")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0), "a pcapng section header");
        assertEquals(0xa1b2c3d4, java.nio.ByteBuffer.wrap(Files.readAllBytes(dir.resolve("x.pcap")))
                .order(java.nio.ByteOrder.nativeOrder()).getInt(0), "libpcap's magic number");
    }
}
