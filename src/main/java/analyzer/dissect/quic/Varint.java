package analyzer.dissect.quic;

/** QUIC's variable-length integers (RFC 9000 §16): the top two bits of the first byte give the length. */
final class Varint {

    private Varint() {
    }

    /** Bytes the integer starting with this byte takes: 1, 2, 4 or 8. */
    static int size(byte first) {
        return 1 << ((first & 0xff) >> 6);
    }

    /** The integer at pos, or -1 when it runs past end. */
    static long read(byte[] d, int pos, int end) {
        if (pos >= end) {
            return -1;
        }
        int n = size(d[pos]);
        if (pos + n > end) {
            return -1;
        }
        long v = d[pos] & 0x3f;
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (d[pos + i] & 0xff);
        }
        return v;
    }
}
