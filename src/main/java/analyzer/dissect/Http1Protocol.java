package analyzer.dissect;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.x, recognised by a request line (a known method followed by a space) or a status line ("HTTP/1."), and
 * picked up again mid-stream at the next line that starts one.
 */
final class Http1Protocol implements StreamProtocol {

    static final Http1Protocol INSTANCE = new Http1Protocol();

    /** The longest prefix a decision needs ("PROPPATCH " is ten bytes). */
    private static final int PROBE = 16;

    private static final byte[][] METHODS = ascii(
            "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "TRACE ", "CONNECT ",
            "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ", "LOCK ", "UNLOCK ", "REPORT ", "SEARCH ",
            "PURGE ");
    private static final byte[] STATUS_PREFIX = ascii("HTTP/1.")[0];

    private enum Start { REQUEST, RESPONSE, NONE, NEED_MORE }

    private Http1Protocol() {
    }

    @Override
    public String name() {
        return "http1";
    }

    @Override
    public int probeLength() {
        return PROBE;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        return switch (start(data, offset, length)) {
            case REQUEST, RESPONSE -> Recognition.YES;
            case NEED_MORE -> Recognition.NEED_MORE;
            case NONE -> Recognition.NO;
        };
    }

    /** The first line, from this one on, that starts a request or status line (with enough bytes to be sure). */
    @Override
    public int resumeAt(byte[] data, int offset, int length) {
        int end = offset + length;
        int pos = offset;
        while (pos < end) {
            if (isMessageStart(data, pos, end - pos)) {
                return pos;
            }
            pos = nextLineStart(data, pos, end);
        }
        return -1;
    }

    /**
     * Requests or responses by the first line; a stream handed over before its first byte reads requests from the
     * client and responses from the server.
     */
    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        Start start = start(first, offset, length);
        boolean requests = start == Start.REQUEST
                || (start != Start.RESPONSE && stream.direction() == analyzer.flow.Direction.CLIENT_TO_SERVER);
        return new HttpStreamDissector(stream, requests);
    }

    static boolean isMessageStart(byte[] data, int offset, int length) {
        Start s = start(data, offset, length);
        return s == Start.REQUEST || s == Start.RESPONSE;
    }

    static int nextLineStart(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    private static Start start(byte[] data, int offset, int length) {
        if (length <= 0) {
            return Start.NEED_MORE;
        }
        int first = data[offset] & 0xff;
        if (first < 'A' || first > 'Z') {
            return Start.NONE;
        }
        // "PRI * HTTP/2.0" is the HTTP/2 connection preface: not HTTP/1.x.
        int prefix = matchPrefix(STATUS_PREFIX, data, offset, length);
        if (prefix == FULL) {
            return Start.RESPONSE;
        }
        boolean couldStillMatch = prefix == PARTIAL;
        for (byte[] method : METHODS) {
            int m = matchPrefix(method, data, offset, length);
            if (m == FULL) {
                return Start.REQUEST;
            }
            couldStillMatch |= m == PARTIAL;
        }
        return couldStillMatch ? Start.NEED_MORE : Start.NONE;
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
            out[i] = words[i].getBytes(StandardCharsets.US_ASCII);
        }
        return out;
    }
}
