package analyzer.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Standard output for a run that may print hundreds of megabytes: one large unsynchronised byte buffer that
 * encodes characters to UTF-8 itself and also takes bytes a printer already encoded ({@link #writeUtf8}). The JSON
 * printer writes its lines that way, skipping the char-to-byte encoder chain of an OutputStreamWriter, which cost
 * about as much as building the lines. Characters are encoded as the JDK's UTF-8 encoder does, an unpaired
 * surrogate becoming '?'. Not thread-safe: use it through {@link Printer}, whose lock guards it.
 */
public final class Utf8Output extends Writer {

    private final OutputStream out;
    private final byte[] buf;
    private int pos;
    /** A high surrogate that ended the previous write, waiting for its low half. */
    private char pendingHigh;

    public Utf8Output(OutputStream out, int bufferSize) {
        this.out = out;
        this.buf = new byte[Math.max(bufferSize, 16)];
    }

    /** Bytes that are already UTF-8, e.g. a JSON line. */
    public void writeUtf8(byte[] bytes, int offset, int length) throws IOException {
        flushPendingHigh();
        if (length > buf.length - pos) {
            drain();
            if (length > buf.length) {
                out.write(bytes, offset, length);
                return;
            }
        }
        System.arraycopy(bytes, offset, buf, pos, length);
        pos += length;
    }

    @Override
    public void write(int c) throws IOException {
        char ch = (char) c;
        if (pendingHigh == 0 && ch < 0x80) {
            if (pos == buf.length) {
                drain();
            }
            buf[pos++] = (byte) ch;
            return;
        }
        write(new char[] {ch}, 0, 1);
    }

    @Override
    public void write(String s, int offset, int length) throws IOException {
        int end = offset + length;
        for (int i = offset; i < end; ) {
            if (buf.length - pos < 5) {
                drain();
            }
            char c = s.charAt(i);
            if (c < 0x80 && pendingHigh == 0) {
                // ASCII run: the common case, copied without per-character branching on the encoding.
                int room = Math.min(end - i, buf.length - pos);
                int j = i;
                while (j < i + room && (c = s.charAt(j)) < 0x80) {
                    buf[pos++] = (byte) c;
                    j++;
                }
                i = j;
                continue;
            }
            encode(c, i + 1 < end ? s.charAt(i + 1) : 0, i + 1 < end);
            i += consumed;
        }
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        int end = offset + length;
        for (int i = offset; i < end; ) {
            if (buf.length - pos < 5) {
                drain();
            }
            char c = chars[i];
            if (c < 0x80 && pendingHigh == 0) {
                // ASCII run, as for strings.
                int stop = i + Math.min(end - i, buf.length - pos);
                int j = i;
                while (j < stop && (c = chars[j]) < 0x80) {
                    buf[pos++] = (byte) c;
                    j++;
                }
                i = j;
                continue;
            }
            encode(c, i + 1 < end ? chars[i + 1] : 0, i + 1 < end);
            i += consumed;
        }
    }

    private char[] chars = new char[4096];

    /**
     * The text a printer built, without the copy into a String that {@code Writer.append} makes first: the proxy
     * prints each relayed message this way on its event loop.
     */
    public void write(StringBuilder sb) throws IOException {
        int n = sb.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        sb.getChars(0, n, chars, 0);
        write(chars, 0, n);
    }

    /** Characters of input used by the last {@link #encode} call (1, or 2 for a surrogate pair). */
    private int consumed;

    /** Encodes one non-ASCII character, after a high surrogate left over from a previous write; 5 bytes are free. */
    private void encode(char c, char next, boolean hasNext) {
        consumed = 1;
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                putCodePoint(Character.toCodePoint(high, c));
                return;
            }
            buf[pos++] = '?';
        }
        if (c < 0x80) {
            buf[pos++] = (byte) c;
        } else if (c < 0x800) {
            buf[pos++] = (byte) (0xc0 | (c >> 6));
            buf[pos++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)) {
            if (!hasNext) {
                pendingHigh = c; // the low half may come with the next write, as the JDK's encoder allows
            } else if (Character.isLowSurrogate(next)) {
                putCodePoint(Character.toCodePoint(c, next));
                consumed = 2;
            } else {
                buf[pos++] = '?';
            }
        } else if (Character.isLowSurrogate(c)) {
            buf[pos++] = '?';
        } else {
            buf[pos++] = (byte) (0xe0 | (c >> 12));
            buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
            buf[pos++] = (byte) (0x80 | (c & 0x3f));
        }
    }

    private void putCodePoint(int cp) {
        buf[pos++] = (byte) (0xf0 | (cp >> 18));
        buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        buf[pos++] = (byte) (0x80 | (cp & 0x3f));
    }

    private void flushPendingHigh() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            if (pos == buf.length) {
                drain();
            }
            buf[pos++] = '?';
        }
    }

    private void drain() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flushPendingHigh();
        flush();
        out.close();
    }

    /**
     * The PrintWriter the commands print to, able to pass already encoded bytes straight to the buffer. Like any
     * PrintWriter it never throws: an output error (a closed pipe) is remembered for {@link #checkError()}.
     */
    public static final class Printer extends PrintWriter {

        private final Utf8Output target;

        public Printer(Utf8Output target) {
            super(target, false);
            this.target = target;
        }

        @Override
        public PrintWriter append(CharSequence csq) {
            if (!(csq instanceof StringBuilder sb)) {
                return super.append(csq);
            }
            synchronized (lock) {
                try {
                    target.write(sb);
                } catch (IOException e) {
                    setError();
                }
            }
            return this;
        }

        public void writeUtf8(byte[] bytes, int offset, int length) {
            synchronized (lock) {
                try {
                    target.writeUtf8(bytes, offset, length);
                } catch (IOException e) {
                    setError();
                }
            }
        }
    }
}
