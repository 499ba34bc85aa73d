package analyzer.dissect;

/**
 * Decides what a stream carries from its first bytes, never from the port: an HTTP/1.x request line, an
 * HTTP/1.x status line, a TLS record header, or anything else (raw). Needs at most {@link #MAX_PROBE} bytes.
 */
final class ProtocolDetector {

    enum Protocol { HTTP_REQUEST, HTTP_RESPONSE, TLS, RAW, NEED_MORE }

    /** The longest prefix any decision needs ("PROPPATCH " is ten bytes). */
    static final int MAX_PROBE = 16;

    /** TLS records carry at most 2^14 bytes of plaintext plus 2048 of expansion (RFC 5246 6.2.3). */
    static final int MAX_TLS_RECORD = 16384 + 2048;

    private static final byte[][] METHODS = ascii(
            "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "TRACE ", "CONNECT ",
            "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ", "LOCK ", "UNLOCK ", "REPORT ", "SEARCH ",
            "PURGE ");
    private static final byte[] STATUS_PREFIX = ascii("HTTP/1.")[0];

    private ProtocolDetector() {
    }

    static Protocol detect(byte[] data, int offset, int length) {
        if (length <= 0) {
            return Protocol.NEED_MORE;
        }
        int first = data[offset] & 0xff;
        if (first >= 20 && first <= 24) {
            return detectTlsHeader(data, offset, length);
        }
        if ((first & 0x80) != 0) {
            return isSsl2ClientHelloPrefix(data, offset, length) ? (length < 5 ? Protocol.NEED_MORE : Protocol.TLS)
                    : Protocol.RAW;
        }
        if (first >= 'A' && first <= 'Z') {
            // "PRI * HTTP/2.0" is the HTTP/2 connection preface: not HTTP/1.x, so it falls through to raw.
            int prefix = matchPrefix(STATUS_PREFIX, data, offset, length);
            if (prefix == FULL) {
                return Protocol.HTTP_RESPONSE;
            }
            boolean couldStillMatch = prefix == PARTIAL;
            for (byte[] method : METHODS) {
                int m = matchPrefix(method, data, offset, length);
                if (m == FULL) {
                    return Protocol.HTTP_REQUEST;
                }
                couldStillMatch |= m == PARTIAL;
            }
            return couldStillMatch ? Protocol.NEED_MORE : Protocol.RAW;
        }
        return Protocol.RAW;
    }

    /** Whether a plausible TLS record header starts at offset (used to pick a stream up again after a gap). */
    static boolean isTlsRecordHeader(byte[] data, int offset, int length) {
        return length >= 5 && detectTlsHeader(data, offset, length) == Protocol.TLS;
    }

    /** Whether an HTTP request or status line starts at offset, with enough bytes present to be sure. */
    static boolean isHttpStart(byte[] data, int offset, int length) {
        Protocol p = detect(data, offset, length);
        return p == Protocol.HTTP_REQUEST || p == Protocol.HTTP_RESPONSE;
    }

    /**
     * An SSL 2.0-compatible ClientHello (RFC 5246 appendix E.2), still sent by some old clients to reach TLS
     * servers: a two-byte length with the high bit set, message type 1, then a version 0x0002 or 0x03xx.
     */
    static boolean isSsl2ClientHelloPrefix(byte[] data, int offset, int length) {
        if (length < 1 || (data[offset] & 0x80) == 0) {
            return false;
        }
        if (length >= 2 && ((((data[offset] & 0x7f) << 8) | (data[offset + 1] & 0xff)) < 9)) {
            return false;
        }
        if (length >= 3 && data[offset + 2] != 1) {
            return false;
        }
        if (length >= 4 && data[offset + 3] != 3 && data[offset + 3] != 0) {
            return false;
        }
        if (length >= 5) {
            int minor = data[offset + 4] & 0xff;
            return data[offset + 3] == 3 ? minor <= 4 : minor == 2;
        }
        return true;
    }

    private static Protocol detectTlsHeader(byte[] data, int offset, int length) {
        if (length >= 2 && data[offset + 1] != 3) {
            return Protocol.RAW;
        }
        if (length >= 3 && (data[offset + 2] & 0xff) > 4) {
            return Protocol.RAW;
        }
        if (length < 5) {
            return Protocol.NEED_MORE;
        }
        int recordLength = ((data[offset + 3] & 0xff) << 8) | (data[offset + 4] & 0xff);
        return recordLength <= MAX_TLS_RECORD ? Protocol.TLS : Protocol.RAW;
    }

    private static final int NO = 0;
    private static final int PARTIAL = 1;
    private static final int FULL = 2;

    private static int matchPrefix(byte[] expected, byte[] data, int offset, int length) {
        int n = Math.min(expected.length, length);
        for (int i = 0; i < n; i++) {
            if (data[offset + i] != expected[i]) {
                return NO;
            }
        }
        return n == expected.length ? FULL : PARTIAL;
    }

    private static byte[][] ascii(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }
}
