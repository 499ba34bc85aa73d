package analyzer.capture;

import analyzer.flow.FrameBuilder;
import analyzer.flow.PacketDecoder;
import analyzer.flow.TcpSegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a small Ethernet capture of the workshop exchange (GET / → 200 "fluffy tail") on port 5683, with the
 * response's two segments swapped on the wire.
 */
public final class SyntheticCapture {

    static final byte[] LOCAL = {127, 0, 0, 1};
    static final String REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1:5683\r\nUser-Agent: test\r\n\r\n";
    static final String RESPONSE_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n";
    static final String RESPONSE_BODY = "fluffy tail";

    public static List<byte[]> frames() {
        int c = 42184;
        int s = 5683;
        long cs = 1000;
        long ss = 5000;
        List<byte[]> frames = new ArrayList<>();
        frames.add(eth(c, s, cs, 0, TcpSegment.SYN, ""));
        frames.add(eth(s, c, ss, cs + 1, TcpSegment.SYN | TcpSegment.ACK, ""));
        frames.add(eth(c, s, cs + 1, ss + 1, TcpSegment.ACK, ""));
        frames.add(eth(c, s, cs + 1, ss + 1, TcpSegment.ACK | TcpSegment.PSH, REQUEST));
        long reqEnd = cs + 1 + REQUEST.length();
        frames.add(eth(s, c, ss + 1, reqEnd, TcpSegment.ACK, ""));
        // body first, then the head: out of order on the wire
        frames.add(eth(s, c, ss + 1 + RESPONSE_HEAD.length(), reqEnd, TcpSegment.ACK | TcpSegment.PSH, RESPONSE_BODY));
        frames.add(eth(s, c, ss + 1, reqEnd, TcpSegment.ACK, RESPONSE_HEAD));
        long respEnd = ss + 1 + RESPONSE_HEAD.length() + RESPONSE_BODY.length();
        frames.add(eth(c, s, reqEnd, respEnd, TcpSegment.ACK | TcpSegment.FIN, ""));
        frames.add(eth(s, c, respEnd, reqEnd + 1, TcpSegment.ACK | TcpSegment.FIN, ""));
        frames.add(eth(c, s, reqEnd + 1, respEnd + 1, TcpSegment.ACK, ""));
        return frames;
    }

    public static void write(Path file) throws CaptureException {
        long ts = 1_763_928_242_000_000L;
        try (PcapWriter writer = PcapWriter.create(file, PacketDecoder.DLT_EN10MB, 65535)) {
            for (byte[] f : frames()) {
                writer.write(ts, f, f.length, f.length);
                ts += 150;
            }
        }
    }

    private static byte[] eth(int srcPort, int dstPort, long seq, long ack, int flags, String payload) {
        return FrameBuilder.ethernet(FrameBuilder.ipv4Tcp(LOCAL, LOCAL, srcPort, dstPort, seq, ack, flags,
                payload.getBytes(StandardCharsets.US_ASCII)), false);
    }

    private SyntheticCapture() {
    }
}
