package analyzer.dissect.http2;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 in clear (h2c) or decrypted (h2): recognised by the client's connection preface
 * ({@code PRI * HTTP/2.0␍␊␍␊SM␍␊␍␊}, sent with prior knowledge, after an Upgrade and inside TLS alike) or by a
 * server's first frame, which must be SETTINGS on stream 0 without ACK. Reached too by the {@code h2c} upgrade
 * token and the {@code h2} ALPN id. There is no landmark to pick HTTP/2 up mid-stream: header compression state
 * would be missing anyway.
 */
public final class Http2Protocol implements StreamProtocol {

    public static final Http2Protocol INSTANCE = new Http2Protocol();

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final int FRAME_HEADER = 9;
    static final int SETTINGS = 0x4;
    /** A first SETTINGS frame lists each setting at most once; the protocol defines few, extensions a handful. */
    private static final int MAX_FIRST_SETTINGS = 32 * 6;

    private Http2Protocol() {
    }

    @Override
    public String name() {
        return "http2";
    }

    @Override
    public int probeLength() {
        return PREFACE.length;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        Recognition preface = matches(PREFACE, data, offset, length);
        if (preface != Recognition.NO) {
            return preface;
        }
        return serverSettings(data, offset, length);
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new Http2StreamDissector(stream);
    }

    /** 9 bytes: length a multiple of 6 (one setting each), type SETTINGS, flags 0, stream 0. */
    private static Recognition serverSettings(byte[] data, int offset, int length) {
        int n = Math.min(length, FRAME_HEADER);
        for (int i = 0; i < n; i++) {
            int b = data[offset + i] & 0xff;
            boolean ok = switch (i) {
                case 2 -> b % 6 == 0 && b <= MAX_FIRST_SETTINGS;
                case 3 -> b == SETTINGS;
                default -> b == 0;
            };
            if (!ok) {
                return Recognition.NO;
            }
        }
        return n == FRAME_HEADER ? Recognition.YES : Recognition.NEED_MORE;
    }

    private static Recognition matches(byte[] expected, byte[] data, int offset, int length) {
        int n = Math.min(length, expected.length);
        for (int i = 0; i < n; i++) {
            if (data[offset + i] != expected[i]) {
                return Recognition.NO;
            }
        }
        return n == expected.length ? Recognition.YES : Recognition.NEED_MORE;
    }
}
