package analyzer.report;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One JSON object built straight into UTF-8 bytes, reused from event to event. The JSON printer emits one of these
 * per event, hundreds of thousands per capture: field names are encoded once ({@link #name(String)}), strings are
 * escaped and encoded in one pass, numbers are written as digits without a String in between. The output is the
 * same text {@link JsonWriter} builds, encoded as the JDK's UTF-8 encoder would.
 */
final class JsonLine {

    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    /** Per ASCII character: 0 copied as is, otherwise the character after the backslash (u for a hex escape). */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\t'] = 't';
    }

    private byte[] buf = new byte[2048];
    /** Events come in time order: the whole seconds of the last time stamp, already in digits. */
    private long lastSecond;
    private byte[] lastSecondDigits;
    private int pos;
    private boolean first = true;

    /** A field name as it is written: {@code "name":}. */
    static byte[] name(String name) {
        return ('"' + name + "\":").getBytes(StandardCharsets.UTF_8);
    }

    byte[] bytes() {
        return buf;
    }

    int length() {
        return pos;
    }

    void reset() {
        pos = 0;
        first = true;
    }

    JsonLine begin() {
        ensure(1);
        buf[pos++] = '{';
        first = true;
        return this;
    }

    JsonLine end() {
        ensure(1);
        buf[pos++] = '}';
        first = false;
        return this;
    }

    void newline() {
        ensure(1);
        buf[pos++] = '\n';
    }

    JsonLine key(byte[] name) {
        ensure(name.length + 1);
        if (!first) {
            buf[pos++] = ',';
        }
        first = false;
        System.arraycopy(name, 0, buf, pos, name.length);
        pos += name.length;
        return this;
    }

    /** Bytes that are already JSON (a cached value or run of fields); the next field gets its comma. */
    JsonLine raw(byte[] json) {
        ensure(json.length);
        System.arraycopy(json, 0, buf, pos, json.length);
        pos += json.length;
        first = false;
        return this;
    }

    JsonLine field(byte[] name, String value) {
        key(name);
        string(value);
        return this;
    }

    JsonLine field(byte[] name, long value) {
        key(name);
        number(value);
        return this;
    }

    JsonLine field(byte[] name, boolean value) {
        key(name);
        literal(value ? TRUE : FALSE);
        return this;
    }

    JsonLine beginArray(byte[] name) {
        key(name);
        ensure(1);
        buf[pos++] = '[';
        first = true;
        return this;
    }

    JsonLine endArray() {
        ensure(1);
        buf[pos++] = ']';
        first = false;
        return this;
    }

    /** Whether the next array element is the first (no comma before it). */
    boolean inFirstElement() {
        return first;
    }

    void element() {
        if (!first) {
            ensure(1);
            buf[pos++] = ',';
        }
        first = false;
    }

    JsonLine beginObjectElement() {
        element();
        ensure(1);
        buf[pos++] = '{';
        first = true;
        return this;
    }

    JsonLine value(String value) {
        element();
        string(value);
        return this;
    }

    JsonLine value(long value) {
        element();
        number(value);
        return this;
    }

    private void literal(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    void number(long v) {
        ensure(20);
        if (v == Long.MIN_VALUE) {
            literal("-9223372036854775808".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int i = pos + digits;
        pos = i;
        while (v >= 100) {
            int pair = (int) (v % 100);
            v /= 100;
            buf[--i] = DIGIT_PAIRS[2 * pair + 1];
            buf[--i] = DIGIT_PAIRS[2 * pair];
        }
        if (v >= 10) {
            buf[--i] = DIGIT_PAIRS[2 * (int) v + 1];
            buf[--i] = DIGIT_PAIRS[2 * (int) v];
        } else {
            buf[--i] = (byte) ('0' + v);
        }
    }

    /** Seconds with exactly six decimals, as "1763928242.000123". */
    void seconds(long micros) {
        long whole = micros / 1_000_000;
        if (whole != lastSecond || lastSecondDigits == null) {
            int start = pos;
            number(whole);
            lastSecond = whole;
            lastSecondDigits = Arrays.copyOfRange(buf, start, pos);
        } else {
            literal(lastSecondDigits);
        }
        ensure(7);
        buf[pos++] = '.';
        long frac = Math.floorMod(micros, 1_000_000L);
        for (long div = 100_000; div > 0; div /= 10) {
            buf[pos++] = (byte) ('0' + (frac / div) % 10);
        }
    }

    void string(String s) {
        if (s == null) {
            literal(NULL);
            return;
        }
        int n = s.length();
        ensure(n * 6 + 2); // the worst case, every character a six-byte escape
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPE[c];
                if (e == 0) {
                    b[p++] = (byte) c;
                } else {
                    p = escape(b, p, c, e);
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                char next = i + 1 < n ? s.charAt(i + 1) : 0;
                if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
                    int cp = Character.toCodePoint(c, next);
                    b[p++] = (byte) (0xf0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (cp & 0x3f));
                    i++;
                } else {
                    b[p++] = '?'; // what the JDK's encoder writes for an unpaired surrogate
                }
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        b[p++] = '"';
        pos = p;
    }

    /**
     * Bytes shown as a JSON string after decoding them as UTF-8 (malformed sequences become U+FFFD). ASCII, the
     * usual body, is escaped straight from the bytes; anything else goes through a String, exactly as before.
     */
    void utf8String(byte[] bytes) {
        for (byte x : bytes) {
            if (x < 0) {
                string(new String(bytes, StandardCharsets.UTF_8));
                return;
            }
        }
        ensure(bytes.length * 6 + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (byte x : bytes) {
            byte e = ESCAPE[x];
            if (e == 0) {
                b[p++] = x;
            } else {
                p = escape(b, p, (char) x, e);
            }
        }
        b[p++] = '"';
        pos = p;
    }

    private static int escape(byte[] b, int p, char c, byte e) {
        b[p++] = '\\';
        b[p++] = e;
        if (e == 'u') {
            b[p++] = '0';
            b[p++] = '0';
            b[p++] = HEX[c >> 4];
            b[p++] = HEX[c & 0xf];
        }
        return p;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
