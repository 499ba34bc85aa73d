package analyzer.dissect.quic;

import java.nio.charset.StandardCharsets;

/**
 * Reads the frames of a decrypted Initial packet (RFC 9000 §19): only PADDING, PING, ACK, CRYPTO and
 * CONNECTION_CLOSE may appear there. CRYPTO data goes to the side's {@link CryptoStream}.
 */
final class InitialFrames {

    /** What the frames said besides CRYPTO data; closeError -1 when there was no CONNECTION_CLOSE. */
    record Summary(int cryptoFrames, long closeError, String closeReason, boolean malformed) {
    }

    private InitialFrames() {
    }

    static Summary read(byte[] p, CryptoStream crypto) {
        Cursor c = new Cursor(p);
        int cryptoFrames = 0;
        long closeError = -1;
        String closeReason = null;
        try {
            while (c.pos < p.length) {
                long type = c.varint();
                if (type == 0x00 || type == 0x01) {
                    continue; // PADDING, PING
                }
                if (type == 0x02 || type == 0x03) {
                    c.varint(); // largest acknowledged
                    c.varint(); // delay
                    long ranges = c.varint();
                    c.varint(); // first range
                    if (ranges > p.length) {
                        throw new Malformed();
                    }
                    for (long i = 0; i < ranges * 2 + (type == 0x03 ? 3 : 0); i++) {
                        c.varint(); // gap and length of each range, then the ECN counts
                    }
                } else if (type == 0x06) {
                    long offset = c.varint();
                    int length = c.length();
                    crypto.add(offset, p, c.pos, length);
                    c.pos += length;
                    cryptoFrames++;
                } else if (type == 0x1c || type == 0x1d) {
                    closeError = c.varint();
                    if (type == 0x1c) {
                        c.varint(); // the frame type that caused it
                    }
                    int length = c.length();
                    closeReason = new String(p, c.pos, Math.min(length, 200), StandardCharsets.UTF_8);
                    c.pos += length;
                } else {
                    throw new Malformed(); // not allowed in Initial packets
                }
            }
            return new Summary(cryptoFrames, closeError, closeReason, false);
        } catch (Malformed e) {
            return new Summary(cryptoFrames, closeError, closeReason, true);
        }
    }

    private static final class Malformed extends Exception {
        Malformed() {
            super(null, null, false, false);
        }
    }

    private static final class Cursor {
        final byte[] p;
        int pos;

        Cursor(byte[] p) {
            this.p = p;
        }

        long varint() throws Malformed {
            long v = Varint.read(p, pos, p.length);
            if (v < 0) {
                throw new Malformed();
            }
            pos += Varint.size(p[pos]);
            return v;
        }

        /** A length that must fit in what is left. */
        int length() throws Malformed {
            long n = varint();
            if (n > p.length - pos) {
                throw new Malformed();
            }
            return (int) n;
        }
    }
}
