package analyzer.dissect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Recognises a complete, plain HTTP/1.x message at the start of a delivery: the shape of nearly every message
 * of a keep-alive exchange, and nothing that needs the codec's judgement. Whatever this does not accept goes to
 * Netty's codec, which remains the parser of record ({@link HttpStreamDissector}).
 *
 * <p>Why it exists: with Netty's decoder in an EmbeddedChannel, HTTP cost about half of {@code read}'s CPU on a
 * keep-alive capture, and its deep call chains were most of the JIT's compile time (seconds on two cores, during
 * which the run crawls). Reading a plain message directly makes the same fields from the same bytes.
 *
 * <p>Accepted, and nothing else: a request line {@code METHOD SP target SP HTTP/1.x CRLF} (method A–Z, not
 * CONNECT; target visible ASCII) or a status line {@code HTTP/1.x SP 200–599 SP reason CRLF} (not 204/304: no
 * body by rule); header lines {@code name ":" [SP] value CRLF} with a token name and a value of visible ASCII and
 * inner spaces, no tab, no folding; no Transfer-Encoding, no Content-Encoding; at most one Content-Length of
 * plain digits, required in a response (a response without one lasts until the connection closes); and the whole
 * body present. Sizes stay well below the codec's limits, so it would never refuse what is accepted here.
 * The pairing rules that depend on the request (HEAD, CONNECT) are checked by the caller.
 */
final class PlainHttpMessage {

    private static final int MAX_LINE = 8192;
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_HEADERS = 100;
    private static final int MAX_CONTENT_LENGTH_DIGITS = 15;

    /** RFC 9110 tchar. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private static final byte[] HTTP_1 = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    // The message found by the last successful scan.
    String method;
    String uri;
    String version;
    int code;
    String phrase;
    List<HttpHeader> headers;
    int bodyOffset;
    int bodyLength;
    /** Offset just past the message. */
    int end;

    /**
     * @return whether a complete plain message starts at {@code offset}; if so the fields above describe it
     */
    boolean scan(byte[] d, int offset, int length, boolean request) {
        int limit = offset + length;
        int lineEnd = lineEnd(d, offset, Math.min(limit, offset + MAX_LINE));
        if (lineEnd < 0) {
            return false;
        }
        int lineLength = lineEnd - offset;
        if (firstLine != null && firstLine.length == lineLength
                && java.util.Arrays.equals(firstLine, 0, lineLength, d, offset, lineEnd)) {
            // The same request or status line as the last message: the same method, target, code and phrase.
            method = firstMethod;
            uri = firstUri;
            code = firstCode;
            phrase = firstPhrase;
            version = firstVersion;
        } else if (request ? requestLine(d, offset, lineEnd) : statusLine(d, offset, lineEnd)) {
            firstLine = java.util.Arrays.copyOfRange(d, offset, lineEnd);
            // the line and the strings read from it (method or phrase, target, version): about its length again
            firstLineBytes = 3 * 48 + 2L * lineLength;
            firstMethod = method;
            firstUri = uri;
            firstCode = code;
            firstPhrase = phrase;
            firstVersion = version;
        } else {
            return false;
        }
        int headLimit = Math.min(limit, offset + MAX_HEAD);
        List<HttpHeader> list = new ArrayList<>(8);
        long contentLength = -1;
        int pos = lineEnd + 2;
        while (true) {
            if (pos + 2 > headLimit) {
                return false;
            }
            if (d[pos] == '\r' && d[pos + 1] == '\n') {
                pos += 2;
                break;
            }
            int end = lineEnd(d, pos, Math.min(headLimit, pos + MAX_LINE));
            if (end < 0 || list.size() == MAX_HEADERS) {
                return false;
            }
            HeaderLine line = headerLine(d, pos, end);
            if (line == null) {
                return false;
            }
            if (line.contentLength >= 0) {
                if (contentLength >= 0) {
                    return false;
                }
                contentLength = line.contentLength;
            }
            list.add(line.header);
            pos = end + 2;
        }
        if (contentLength < 0) {
            if (!request) {
                return false;
            }
            contentLength = 0;
        }
        if (contentLength > limit - pos) {
            return false;
        }
        headers = Collections.unmodifiableList(list);
        bodyOffset = pos;
        bodyLength = (int) contentLength;
        end = pos + bodyLength;
        return true;
    }

    /** The last plain request or status line, and what it said. */
    private byte[] firstLine;
    private String firstMethod;
    private String firstUri;
    private int firstCode;
    private String firstPhrase;
    private String firstVersion;

    /** A header line already read on this stream: keep-alive messages repeat most of theirs byte for byte. */
    private record HeaderLine(byte[] bytes, HttpHeader header, long contentLength) {
    }

    private static final int RECENT_LINES = 64;
    /** Pairs of slots: a line is looked for in both of its pair, so two lines of a message rarely evict each other. */
    private final HeaderLine[] recent = new HeaderLine[RECENT_LINES];
    /** What the lines in {@link #recent} hold. */
    private long recentBytes;
    /** What {@link #firstLine} and the strings read from it hold. */
    private long firstLineBytes;

    /**
     * The heap this reader keeps between messages: itself, the last first line, the header lines it remembers
     * (each a copy of its bytes, a header and its two strings), and the last message's header list.
     */
    long footprint() {
        return 96 + 16 + 4L * RECENT_LINES + firstLineBytes + recentBytes
                + (headers == null ? 0 : 64 + 8L * headers.size());
    }

    private static long footprint(HeaderLine line) {
        return line == null ? 0 : 32 + 16 + 24 + 2 * 48 + 2L * line.bytes.length;
    }

    /** The header in [start, end) (without its CRLF), or null when it is not plain. */
    private HeaderLine headerLine(byte[] d, int start, int end) {
        int length = end - start;
        int h = ((length * 31 + d[start]) * 31 + d[start + length / 2]) * 31 + d[end - 1];
        int slot = (h ^ (h >>> 6)) & (RECENT_LINES - 2);
        HeaderLine known = recent[slot];
        if (known != null && known.bytes.length == length && java.util.Arrays.equals(known.bytes, 0, length, d, start, end)) {
            return known;
        }
        HeaderLine other = recent[slot + 1];
        if (other != null && other.bytes.length == length && java.util.Arrays.equals(other.bytes, 0, length, d, start, end)) {
            return other;
        }
        HeaderLine line = parseHeaderLine(d, start, end);
        if (line != null) {
            recentBytes += footprint(line) - footprint(recent[slot + 1]);
            recent[slot + 1] = known;
            recent[slot] = line;
        }
        return line;
    }

    private static HeaderLine parseHeaderLine(byte[] d, int start, int end) {
        int colon = start;
        while (colon < end && isToken(d[colon])) {
            colon++;
        }
        if (colon == start || colon == end || d[colon] != ':') {
            return null;
        }
        int valueStart = colon + 1;
        if (valueStart < end && d[valueStart] == ' ') {
            valueStart++;
        }
        if (valueStart == end || d[valueStart] == ' ' || d[end - 1] == ' ') {
            return null; // empty value or more whitespace around it: leave the trimming rules to the codec
        }
        for (int i = valueStart; i < end; i++) {
            int c = d[i];
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        int nameLength = colon - start;
        long contentLength = -1;
        if (nameLength == 14 && equalsIgnoreCase(d, start, "content-length")) {
            contentLength = digits(d, valueStart, end);
            if (contentLength < 0) {
                return null;
            }
        } else if ((nameLength == 17 && equalsIgnoreCase(d, start, "transfer-encoding"))
                || (nameLength == 16 && equalsIgnoreCase(d, start, "content-encoding"))) {
            return null;
        }
        HttpHeader header = new HttpHeader(ascii(d, start, nameLength), ascii(d, valueStart, end - valueStart));
        return new HeaderLine(java.util.Arrays.copyOfRange(d, start, end), header, contentLength);
    }

    private boolean requestLine(byte[] d, int start, int end) {
        int sp1 = start;
        while (sp1 < end && d[sp1] >= 'A' && d[sp1] <= 'Z') {
            sp1++;
        }
        if (sp1 == start || sp1 - start > 20 || sp1 >= end || d[sp1] != ' ') {
            return false;
        }
        int sp2 = sp1 + 1;
        while (sp2 < end && d[sp2] > 0x20 && d[sp2] < 0x7f) {
            sp2++;
        }
        if (sp2 == sp1 + 1 || sp2 >= end || d[sp2] != ' ' || end - (sp2 + 1) != 8) {
            return false;
        }
        String v = version(d, sp2 + 1);
        if (v == null) {
            return false;
        }
        String m = method(d, start, sp1 - start);
        if (m.equals("CONNECT")) {
            return false; // the stream becomes a tunnel after it: the codec's path handles that
        }
        method = m;
        uri = ascii(d, sp1 + 1, sp2 - sp1 - 1);
        version = v;
        return true;
    }

    private boolean statusLine(byte[] d, int start, int end) {
        if (end - start < 14) {
            return false;
        }
        String v = version(d, start);
        if (v == null || d[start + 8] != ' ' || d[start + 12] != ' ') {
            return false;
        }
        int c = 0;
        for (int i = start + 9; i < start + 12; i++) {
            if (d[i] < '0' || d[i] > '9') {
                return false;
            }
            c = c * 10 + (d[i] - '0');
        }
        if (c < 200 || c > 599 || c == 204 || c == 304) {
            return false;
        }
        int reason = start + 13;
        if (d[reason] == ' ' || d[end - 1] == ' ') {
            return false;
        }
        for (int i = reason; i < end; i++) {
            if (d[i] < 0x20 || d[i] > 0x7e) {
                return false;
            }
        }
        version = v;
        code = c;
        phrase = end - reason == 2 && d[reason] == 'O' && d[reason + 1] == 'K' ? "OK" : ascii(d, reason, end - reason);
        return true;
    }

    private static String version(byte[] d, int at) {
        for (int i = 0; i < HTTP_1.length; i++) {
            if (d[at + i] != HTTP_1[i]) {
                return null;
            }
        }
        return switch (d[at + 7]) {
            case '1' -> "HTTP/1.1";
            case '0' -> "HTTP/1.0";
            default -> null;
        };
    }

    private static String method(byte[] d, int start, int length) {
        if (length == 3 && d[start] == 'G' && d[start + 1] == 'E' && d[start + 2] == 'T') {
            return "GET";
        }
        if (length == 4 && d[start] == 'P' && d[start + 1] == 'O' && d[start + 2] == 'S' && d[start + 3] == 'T') {
            return "POST";
        }
        return ascii(d, start, length);
    }

    /** Index of the CR of the first CRLF in [from, limit), or -1; a bare CR or LF before it refuses the line. */
    private static int lineEnd(byte[] d, int from, int limit) {
        for (int i = from; i < limit; i++) {
            byte b = d[i];
            if (b == '\r') {
                return i + 1 < limit && d[i + 1] == '\n' ? i : -1;
            }
            if (b == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isToken(byte b) {
        return b > 0 && TOKEN[b];
    }

    private static boolean equalsIgnoreCase(byte[] d, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            int c = d[at + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Plain decimal digits without a leading zero (or "0"), else -1. */
    private static long digits(byte[] d, int start, int end) {
        int n = end - start;
        if (n < 1 || n > MAX_CONTENT_LENGTH_DIGITS || (n > 1 && d[start] == '0')) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            if (d[i] < '0' || d[i] > '9') {
                return -1;
            }
            v = v * 10 + (d[i] - '0');
        }
        return v;
    }

    private static String ascii(byte[] d, int start, int length) {
        return new String(d, start, length, StandardCharsets.ISO_8859_1);
    }
}
