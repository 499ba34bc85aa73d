package analyzer.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.FrameBuilder;
import analyzer.flow.PacketDecoder;
import analyzer.flow.TcpSegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures from macOS's lo0 and Npcap's loopback adapter: link type NULL, each frame behind a 4-byte address
 * family in the capturing host's byte order (2 for IPv4; 30 for IPv6 on macOS, 24 with Npcap). Written as the
 * live capture and the recorders write them, they read as HTTP and TLS like any other, and tshark agrees.
 */
class NullLinkCaptureTest {

    @TempDir
    Path dir;

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: localhost:5683\r\n\r\n";
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
            + "fluffy tail";

    /** One HTTP exchange on port 5683 over the given IP version, NULL-link framed with the given family. */
    private static List<byte[]> exchange(boolean ipv6, int family) {
        byte[] local = ipv6 ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1} : new byte[] {127, 0, 0, 1};
        int c = 50123;
        int s = 5683;
        long cs = 7000;
        long ss = 9000;
        List<byte[]> frames = new ArrayList<>();
        frames.add(frame(ipv6, family, local, c, s, cs, 0, TcpSegment.SYN, ""));
        frames.add(frame(ipv6, family, local, s, c, ss, cs + 1, TcpSegment.SYN | TcpSegment.ACK, ""));
        frames.add(frame(ipv6, family, local, c, s, cs + 1, ss + 1, TcpSegment.ACK, ""));
        frames.add(frame(ipv6, family, local, c, s, cs + 1, ss + 1, TcpSegment.ACK | TcpSegment.PSH, REQUEST));
        frames.add(frame(ipv6, family, local, s, c, ss + 1, cs + 1 + REQUEST.length(), TcpSegment.ACK | TcpSegment.PSH,
                RESPONSE));
        return frames;
    }

    private static byte[] frame(boolean ipv6, int family, byte[] local, int sp, int dp, long seq, long ack, int flags,
                                String payload) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        byte[] ip = ipv6 ? FrameBuilder.ipv6Tcp(local, local, sp, dp, seq, ack, flags, data, false)
                : FrameBuilder.ipv4Tcp(local, local, sp, dp, seq, ack, flags, data);
        return FrameBuilder.nullLink(ip, family);
    }

    private void write(Path file, List<byte[]> frames) throws CaptureException {
        long ts = 1_765_000_000_000_000L;
        try (CaptureWriter writer = CaptureWriter.create(file, PacketDecoder.DLT_NULL, 65535)) {
            for (byte[] f : frames) {
                writer.write(ts, f, f.length, f.length);
                ts += 100;
            }
        }
    }

    @Test
    void macosAndNpcapLoopbackCapturesReadAsHttp() throws Exception {
        int[][] cases = {{0, 2}, {1, 30}, {1, 24}, {1, 28}};
        for (int[] c : cases) {
            boolean ipv6 = c[0] == 1;
            for (String extension : List.of(".pcap", ".pcapng")) {
                Path file = dir.resolve("null-" + c[1] + extension);
                write(file, exchange(ipv6, c[1]));
                PcapFilesTest.Result r = PcapFilesTest.run("read", file.toString(), "--color", "never");
                assertEquals(0, r.code(), r.err());
                assertTrue(r.out().contains("GET / HTTP/1.1"), file + ":\n" + r.out());
                assertTrue(r.out().contains("│ fluffy tail"), file + ":\n" + r.out());
                assertTrue(r.out().contains(ipv6 ? "[::1]:50123 → [::1]:5683" : "127.0.0.1:50123 → 127.0.0.1:5683"),
                        r.out());
                // tshark reads the same frames behind the same link layer.
                List<String> protocols = Tshark.fields(file, List.of("tcp.port==5683,http"), "http.request",
                        "frame.protocols", "http.request.method");
                assertEquals(1, protocols.size(), protocols.toString());
                assertTrue(protocols.get(0).startsWith("null:" + (ipv6 ? "ipv6" : "ip") + ":tcp:http\tGET"),
                        protocols.get(0));
            }
        }
    }
}
