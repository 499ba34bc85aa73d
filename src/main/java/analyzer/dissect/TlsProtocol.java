package analyzer.dissect;

/**
 * TLS, recognised by a plausible record header (content type 20–24, version 3.x, a length TLS allows) or an
 * SSL 2.0-compatible ClientHello; picked up again mid-stream only where a delivery starts with a record header,
 * since ciphertext offers no landmark to search for.
 */
final class TlsProtocol implements StreamProtocol {

    static final TlsProtocol INSTANCE = new TlsProtocol();

    /** TLS records carry at most 2^14 bytes of plaintext plus 2048 of expansion (RFC 5246 6.2.3). */
    static final int MAX_TLS_RECORD = 16384 + 2048;

    private static final int HEADER = 5;

    private TlsProtocol() {
    }

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public int probeLength() {
        return HEADER;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        int first = data[offset] & 0xff;
        if (first >= 20 && first <= 24) {
            return recordHeader(data, offset, length);
        }
        if ((first & 0x80) != 0 && isSsl2ClientHelloPrefix(data, offset, length)) {
            return length < HEADER ? Recognition.NEED_MORE : Recognition.YES;
        }
        return Recognition.NO;
    }

    @Override
    public int resumeAt(byte[] data, int offset, int length) {
        return isRecordHeader(data, offset, length) ? offset : -1;
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new TlsStreamDissector(stream);
    }

    /** Whether a plausible TLS record header starts at offset. */
    static boolean isRecordHeader(byte[] data, int offset, int length) {
        return length >= HEADER && recordHeader(data, offset, length) == Recognition.YES;
    }

    /**
     * An SSL 2.0-compatible ClientHello (RFC 5246 appendix E.2), still sent by some old clients to reach TLS
     * servers: a two-byte length with the high bit set, message type 1, then a version 0x0002 or 0x03xx.
     */
    static boolean isSsl2ClientHelloPrefix(byte[] data, int offset, int length) {
        if (length < 1 || (data[offset] & 0x80) == 0) {
            return false;
        }
        if (length >= 2 && ((((data[offset] & 0x7f) << 8) | (data[offset + 1] & 0xff)) < 9)) {
            return false;
        }
        if (length >= 3 && data[offset + 2] != 1) {
            return false;
        }
        if (length >= 4 && data[offset + 3] != 3 && data[offset + 3] != 0) {
            return false;
        }
        if (length >= 5) {
            int minor = data[offset + 4] & 0xff;
            return data[offset + 3] == 3 ? minor <= 4 : minor == 2;
        }
        return true;
    }

    private static Recognition recordHeader(byte[] data, int offset, int length) {
        int first = data[offset] & 0xff;
        if (first < 20 || first > 24) {
            return Recognition.NO;
        }
        if (length >= 2 && data[offset + 1] != 3) {
            return Recognition.NO;
        }
        if (length >= 3 && (data[offset + 2] & 0xff) > 4) {
            return Recognition.NO;
        }
        if (length < HEADER) {
            return Recognition.NEED_MORE;
        }
        int recordLength = ((data[offset + 3] & 0xff) << 8) | (data[offset + 4] & 0xff);
        return recordLength <= MAX_TLS_RECORD ? Recognition.YES : Recognition.NO;
    }
}
