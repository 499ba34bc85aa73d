package analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes JSON, fields in insertion order, straight into UTF-8 bytes. The JSON printer emits one object per event,
 * hundreds of thousands per capture, reusing one writer: field names are encoded once ({@link #fieldName(String)}),
 * strings are escaped and encoded in one pass, numbers are written as digits without a String in between. The
 * bytes are what the JDK's UTF-8 encoder gives for the same text (an unpaired surrogate becomes '?').
 *
 * <p>Given a StringBuilder, the writer appends each piece to it as soon as it is written, so that callers composing
 * a message may append text of their own between calls.
 */
public final class JsonWriter {

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
    private static final byte[] LONG_MIN = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
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

    /** Where each piece goes once written, or null: the bytes then stay in {@link #buf} until {@link #reset()}. */
    private final StringBuilder text;
    private byte[] buf;
    private int pos;
    private boolean first = true;
    /** Events come in time order: the whole seconds of the last time stamp, already in digits. */
    private long lastSecond;
    private byte[] lastSecondDigits;

    /** Writes bytes, read with {@link #writeTo(Writer)} or {@link #toString()}. */
    public JsonWriter() {
        this.text = null;
        this.buf = new byte[2048];
    }

    /** Writes text, appended to {@code text} call by call. */
    public JsonWriter(StringBuilder text) {
        this.text = text;
        this.buf = new byte[256];
    }

    /** A field name as it is written, {@code "name":}, for {@link #key(byte[])} and the byte[] overloads. */
    public static byte[] fieldName(String name) {
        JsonWriter w = new JsonWriter();
        w.putString(name);
        w.putByte(':');
        return Arrays.copyOf(w.buf, w.pos);
    }

    /** A JSON string literal: quoted, escaped. */
    public static String quoted(String value) {
        StringBuilder sb = new StringBuilder(value == null ? 4 : value.length() + 2);
        new JsonWriter(sb).string(value);
        return sb.toString();
    }

    public JsonWriter begin() {
        putByte('{');
        first = true;
        return written();
    }

    public JsonWriter end() {
        putByte('}');
        first = false;
        return written();
    }

    /** A field's name; its value follows (a {@link #begin()}, a {@link #string(String)}…). */
    public JsonWriter name(String name) {
        comma();
        putString(name);
        putByte(':');
        return written();
    }

    /** A field's name encoded beforehand with {@link #fieldName(String)}. */
    public JsonWriter key(byte[] name) {
        comma();
        putBytes(name);
        return written();
    }

    public JsonWriter field(String name, String value) {
        name(name);
        putString(value);
        return written();
    }

    public JsonWriter field(String name, long value) {
        name(name);
        putNumber(value);
        return written();
    }

    public JsonWriter field(String name, boolean value) {
        name(name);
        putBytes(value ? TRUE : FALSE);
        return written();
    }

    public JsonWriter field(byte[] name, String value) {
        key(name);
        putString(value);
        return written();
    }

    public JsonWriter field(byte[] name, long value) {
        key(name);
        putNumber(value);
        return written();
    }

    public JsonWriter field(byte[] name, boolean value) {
        key(name);
        putBytes(value ? TRUE : FALSE);
        return written();
    }

    /** Bytes as a JSON string: decoded as UTF-8 (malformed sequences become U+FFFD). */
    public JsonWriter utf8Field(String name, byte[] bytes) {
        name(name);
        utf8String(bytes);
        return written();
    }

    public JsonWriter beginArray(String name) {
        name(name);
        putByte('[');
        first = true;
        return written();
    }

    public JsonWriter beginArray(byte[] name) {
        key(name);
        putByte('[');
        first = true;
        return written();
    }

    public JsonWriter endArray() {
        putByte(']');
        first = false;
        return written();
    }

    /** An array element: call before each value or object inside an array. */
    public JsonWriter element() {
        comma();
        return written();
    }

    public JsonWriter beginObjectElement() {
        comma();
        putByte('{');
        first = true;
        return written();
    }

    public JsonWriter value(String value) {
        comma();
        putString(value);
        return written();
    }

    public JsonWriter value(long value) {
        comma();
        putNumber(value);
        return written();
    }

    /** A string value (or null) where one is expected: after a name or an {@link #element()}. */
    public void string(String value) {
        putString(value);
        written();
    }

    /**
     * Bytes shown as a JSON string after decoding them as UTF-8 (malformed sequences become U+FFFD). ASCII, the
     * usual body, is escaped straight from the bytes; anything else goes through a String.
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
        written();
    }

    /** Seconds with exactly six decimals, as "1763928242.000123". */
    void seconds(long micros) {
        long whole = micros / 1_000_000;
        if (whole != lastSecond || lastSecondDigits == null) {
            int start = pos;
            putNumber(whole);
            lastSecond = whole;
            lastSecondDigits = Arrays.copyOfRange(buf, start, pos);
        } else {
            putBytes(lastSecondDigits);
        }
        ensure(7);
        buf[pos++] = '.';
        long frac = Math.floorMod(micros, 1_000_000L);
        for (long div = 100_000; div > 0; div /= 10) {
            buf[pos++] = (byte) ('0' + (frac / div) % 10);
        }
        written();
    }

    /** Bytes that are already JSON (a cached value or run of fields); the next field gets its comma. */
    JsonWriter raw(byte[] json) {
        putBytes(json);
        first = false;
        return written();
    }

    void newline() {
        putByte('\n');
        written();
    }

    /** Whether the next array element is the first (no comma before it). */
    boolean inFirstElement() {
        return first;
    }

    /** The bytes written since {@link #reset()}: {@code bytes()[0 .. length())}. Empty for a text writer. */
    byte[] bytes() {
        return buf;
    }

    int length() {
        return pos;
    }

    /** Forgets what was written, to write the next object into the same buffer. */
    void reset() {
        pos = 0;
        first = true;
    }

    /** Hands the bytes over as they are to standard output's writer, as text to any other. */
    void writeTo(Writer out) throws IOException {
        if (out instanceof Utf8Output.Printer printer) {
            printer.writeUtf8(buf, 0, pos);
        } else {
            out.write(new String(buf, 0, pos, StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return text != null ? text.toString() : new String(buf, 0, pos, StandardCharsets.UTF_8);
    }

    private JsonWriter written() {
        if (text != null && pos > 0) {
            text.append(new String(buf, 0, pos, StandardCharsets.UTF_8));
            pos = 0;
        }
        return this;
    }

    private void comma() {
        if (!first) {
            putByte(',');
        }
        first = false;
    }

    private void putByte(char c) {
        ensure(1);
        buf[pos++] = (byte) c;
    }

    private void putBytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    private void putNumber(long v) {
        if (v == Long.MIN_VALUE) {
            putBytes(LONG_MIN);
            return;
        }
        ensure(20);
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

    private void putString(String s) {
        if (s == null) {
            putBytes(NULL);
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
