package analyzer.dissect.session;

import java.nio.charset.StandardCharsets;

/**
 * Cuts one direction of a text protocol into lines (LF or CRLF), bounded: a line longer than {@link #MAX_LINE}
 * bytes is reported once as overlong and skipped to its end, so an endless banner costs nothing but the skip.
 */
public final class LineSplitter {

    public static final int MAX_LINE = 8192;

    /** Told each complete line (without its line end), or that one was too long. */
    public interface Lines {
        /** @return false to stop: the bytes after this line are not text any more (an upgrade to TLS) */
        boolean line(String line, int endOffset);

        /** A line passed the bound: what is left of it is skipped (said once per such line). */
        void overlong();
    }

    /** Grown as an unfinished line needs, up to MAX_LINE: most lines arrive whole and need none. */
    private byte[] buffer = NOTHING;
    private static final byte[] NOTHING = new byte[0];
    private int fill;
    private boolean skipping;

    /**
     * Feeds bytes; calls back per complete line.
     *
     * @return the offset just past the line after which {@code line} returned false, or -1 when every byte was read
     */
    public int feed(byte[] data, int offset, int length, Lines lines) {
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end; i++) {
            if (data[i] != '\n') {
                continue;
            }
            if (skipping) {
                skipping = false;
                start = i + 1;
                continue;
            }
            int n = i - start;
            if (fill + n > MAX_LINE) {
                lines.overlong();
                fill = 0;
                start = i + 1;
                continue;
            }
            String line;
            if (fill == 0) {
                line = decode(data, start, n);
            } else {
                hold(fill + n);
                System.arraycopy(data, start, buffer, fill, n);
                line = decode(buffer, 0, fill + n);
                fill = 0;
            }
            start = i + 1;
            if (!lines.line(line, start)) {
                return start;
            }
        }
        int rest = end - start;
        if (skipping) {
            return -1;
        }
        if (fill + rest > MAX_LINE) {
            skipping = true;
            fill = 0;
            lines.overlong();
        } else {
            hold(fill + rest);
            System.arraycopy(data, start, buffer, fill, rest);
            fill += rest;
        }
        return -1;
    }

    private void hold(int bytes) {
        if (bytes > buffer.length) {
            int grown = Math.max(bytes, Math.max(256, buffer.length * 2));
            buffer = java.util.Arrays.copyOf(buffer, Math.min(MAX_LINE, grown));
        }
    }

    /** Heap this splitter takes. */
    public long footprint() {
        return 32 + buffer.length;
    }

    /** Bytes of an unfinished line held. */
    public int pending() {
        return fill;
    }

    /** The unfinished line at the end of the stream, if any (a peer that closed mid-line). */
    public String takePending() {
        if (fill == 0) {
            return null;
        }
        String s = decode(buffer, 0, fill);
        fill = 0;
        return s;
    }

    private static String decode(byte[] b, int from, int n) {
        if (n > 0 && b[from + n - 1] == '\r') {
            n--;
        }
        return new String(b, from, n, StandardCharsets.UTF_8);
    }
}
