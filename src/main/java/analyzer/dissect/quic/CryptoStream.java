package analyzer.dissect.quic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The TLS handshake bytes one side sends in the CRYPTO frames of its Initial packets, put back in order (a large
 * ClientHello spans packets, and clients send its pieces out of order). Bounded: bytes past {@link #LIMIT} are
 * dropped and {@link #overflowed()} says so.
 */
final class CryptoStream {

    /** A ClientHello with post-quantum key shares is under 2 KiB; certificates travel in Handshake packets. */
    static final int LIMIT = 64 * 1024;

    private byte[] buffer = new byte[2048];
    /** Filled byte ranges [start, end), sorted and merged. */
    private final List<long[]> filled = new ArrayList<>();
    private int consumed;
    private boolean overflowed;

    void add(long offset, byte[] data, int from, int length) {
        long end = offset + length;
        if (end > LIMIT) {
            overflowed = true;
            if (offset >= LIMIT) {
                return;
            }
            length = (int) (LIMIT - offset);
            end = LIMIT;
        }
        if (end > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(LIMIT, Math.max(end, buffer.length * 2L)));
        }
        System.arraycopy(data, from, buffer, (int) offset, length);
        filled.add(new long[] {offset, end});
        filled.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : filled) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1]) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new long[] {r[0], r[1]});
            }
        }
        filled.clear();
        filled.addAll(merged);
    }

    /** The handshake messages completed since the last call, each as [type, body…] (the 4-byte header's type kept). */
    List<byte[]> takeMessages() {
        List<byte[]> messages = new ArrayList<>();
        long contiguous = filled.isEmpty() || filled.get(0)[0] != 0 ? 0 : filled.get(0)[1];
        while (consumed + 4 <= contiguous) {
            int bodyLength = ((buffer[consumed + 1] & 0xff) << 16) | ((buffer[consumed + 2] & 0xff) << 8)
                    | (buffer[consumed + 3] & 0xff);
            if (consumed + 4L + bodyLength > contiguous) {
                if (consumed + 4L + bodyLength > LIMIT) {
                    overflowed = true;
                    consumed = (int) contiguous; // never completes within the bound: give up on it
                }
                break;
            }
            messages.add(Arrays.copyOfRange(buffer, consumed, consumed + 4 + bodyLength));
            consumed += 4 + bodyLength;
        }
        return messages;
    }

    boolean overflowed() {
        return overflowed;
    }
}
