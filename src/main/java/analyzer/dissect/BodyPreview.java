package analyzer.dissect;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** Counts a decoded body and keeps its first bytes for display; reused from message to message. */
public final class BodyPreview {

    private static final byte[] NOTHING = new byte[0];

    private final int max;
    private byte[] kept = NOTHING;
    private int fill;
    private long length;

    public BodyPreview(int max) {
        this.max = max;
    }

    /** Heap this preview takes: what HTTP/1 and HTTP/2 dissectors add to their retained bytes. */
    public long footprint() {
        return 48 + kept.length;
    }

    public void reset() {
        fill = 0;
        length = 0;
    }

    public void append(ByteBuf content) {
        int n = content.readableBytes();
        int take = count(n);
        if (take > 0) {
            content.getBytes(content.readerIndex(), kept, fill, take);
            fill += take;
        }
    }

    public void append(byte[] content, int offset, int n) {
        int take = count(n);
        if (take > 0) {
            System.arraycopy(content, offset, kept, fill, take);
            fill += take;
        }
    }

    /** Counts n more body bytes; returns how many of them to keep, with room made for them. */
    private int count(int n) {
        length += n;
        int take = Math.min(n, max - fill);
        if (take > 0 && fill + take > kept.length) {
            kept = Arrays.copyOf(kept, Math.min(max, Math.max(fill + take, kept.length * 2)));
        }
        return take;
    }

    /** The bytes kept: all of the body when it was no longer than the preview's size. */
    public byte[] bytes() {
        return Arrays.copyOf(kept, fill);
    }

    /** Bytes counted so far. */
    public long length() {
        return length;
    }

    public HttpBody toBody(String contentEncoding, boolean chunked, boolean complete) {
        if (length == 0 && contentEncoding == null && !chunked && complete) {
            return HttpBody.EMPTY;
        }
        byte[] shown = fill == 0 ? NOTHING : Arrays.copyOf(kept, fill);
        return new HttpBody(length, shown, looksLikeText(shown, shown.length < length), contentEncoding, chunked,
                complete);
    }

    /**
     * Text means valid UTF-8 (ASCII included) without control characters other than tab, line feed, form feed and
     * carriage return. A multi-byte sequence cut by the display limit still counts as text.
     */
    public static boolean looksLikeText(byte[] b, boolean cut) {
        int len = b.length;
        int i = 0;
        while (i < len) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
                    return false;
                }
                i++;
                continue;
            }
            int following;
            if (c >= 0xc2 && c <= 0xdf) {
                following = 1;
            } else if (c >= 0xe0 && c <= 0xef) {
                following = 2;
            } else if (c >= 0xf0 && c <= 0xf4) {
                following = 3;
            } else {
                return false;
            }
            if (i + following >= len) {
                return cut && checkContinuation(b, i + 1, len);
            }
            if (!checkContinuation(b, i + 1, i + 1 + following)) {
                return false;
            }
            i += following + 1;
        }
        return true;
    }

    private static boolean checkContinuation(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if ((b[k] & 0xc0) != 0x80) {
                return false;
            }
        }
        return true;
    }
}
