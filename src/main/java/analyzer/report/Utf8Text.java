package analyzer.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Text built straight into UTF-8 bytes, for the printers that write a block per relayed message. A StringBuilder
 * holding the arrows and box characters of a message block turns UTF-16, and its chars were then copied out and
 * encoded again on the way to the output: a tenth of the proxy's CPU when it prints everything. Here each append
 * encodes once (ASCII byte for byte), and {@link #writeTo} hands the bytes over as they are. Characters are encoded
 * as the JDK's UTF-8 encoder does, an unpaired surrogate becoming '?'.
 */
final class Utf8Text {

    private byte[] buf;
    private int len;

    Utf8Text(int capacity) {
        buf = new byte[Math.max(capacity, 16)];
    }

    /** Length in bytes. */
    int length() {
        return len;
    }

    void clear() {
        len = 0;
    }

    /** Drops everything from byte {@code length} on. */
    void truncate(int length) {
        len = Math.min(len, Math.max(0, length));
    }

    Utf8Text append(String s) {
        return append(s, 0, s.length());
    }

    Utf8Text append(CharSequence s, int start, int end) {
        ensure((end - start) * 3);
        byte[] b = buf;
        int p = len;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                // A pair takes 4 bytes for its 2 chars, within the 6 reserved; anything unpaired becomes '?'.
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    b[p++] = (byte) (0xf0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    b[p++] = (byte) (0x80 | (cp & 0x3f));
                } else {
                    b[p++] = '?';
                }
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        len = p;
        return this;
    }

    /** Bytes that are already UTF-8, e.g. a line encoded earlier. */
    Utf8Text append(byte[] utf8) {
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, len, utf8.length);
        len += utf8.length;
        return this;
    }

    /** The bytes from {@code start} to the end, to append again later. */
    byte[] copyFrom(int start) {
        return Arrays.copyOfRange(buf, start, len);
    }

    Utf8Text append(char c) {
        if (c < 0x80) {
            ensure(1);
            buf[len++] = (byte) c;
            return this;
        }
        return append(String.valueOf(c));
    }

    Utf8Text append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        ensure(19);
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int p = len + digits;
        len = p;
        do {
            buf[--p] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        return this;
    }

    Utf8Text spaces(int n) {
        if (n > 0) {
            ensure(n);
            Arrays.fill(buf, len, len + n, (byte) ' ');
            len += n;
        }
        return this;
    }

    /**
     * How wide the text from byte {@code from} on was counted for alignment: in UTF-16 units as String.length()
     * counts, or, with {@code styled}, in code points and without the ANSI escape sequences of colours.
     */
    int width(int from, boolean styled) {
        int n = 0;
        for (int i = from; i < len; i++) {
            int b = buf[i] & 0xff;
            if (styled && b == 0x1b) {
                while (i < len && buf[i] != 'm') {
                    i++;
                }
            } else if (b < 0x80 || b >= 0xc0) {
                n += b >= 0xf0 && !styled ? 2 : 1;
            }
        }
        return n;
    }

    /** The bytes to {@code out}: as they are to the tool's own output, decoded for any other Writer. */
    void writeTo(Writer out) throws IOException {
        if (out instanceof Utf8Output.Printer printer) {
            printer.writeUtf8(buf, 0, len);
        } else {
            out.write(toString());
        }
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    /** The text from byte {@code from} to the end. */
    String toString(int from) {
        return new String(buf, from, len - from, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (buf.length - len < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
