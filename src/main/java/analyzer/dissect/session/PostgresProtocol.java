package analyzer.dissect.session;

import analyzer.dissect.StreamContext;
import analyzer.dissect.StreamDissector;
import analyzer.dissect.StreamProtocol;

/**
 * PostgreSQL's frontend/backend protocol (v3), recognised by the client's first message: an SSLRequest,
 * GSSENCRequest, CancelRequest or StartupMessage — a length, then a code no other protocol starts with. The client
 * side claims the server side, whose first byte answers an SSLRequest ('S': TLS follows on both sides; 'N': no).
 */
public final class PostgresProtocol implements StreamProtocol {

    public static final PostgresProtocol INSTANCE = new PostgresProtocol();

    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    static final int PROTOCOL_3 = 196608;
    /** Startup packets are small; the server refuses more than 10 000 bytes. */
    static final int MAX_STARTUP = 10_000;

    private PostgresProtocol() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public int probeLength() {
        return 8;
    }

    @Override
    public Recognition recognise(byte[] data, int offset, int length) {
        if (length < 8) {
            return data[offset] == 0 ? Recognition.NEED_MORE : Recognition.NO;
        }
        int messageLength = int32(data, offset);
        int code = int32(data, offset + 4);
        boolean request = messageLength == 8 && (code == SSL_REQUEST || code == GSSENC_REQUEST);
        boolean cancel = messageLength == 16 && code == CANCEL_REQUEST;
        boolean startup = code == PROTOCOL_3 && messageLength > 8 && messageLength <= MAX_STARTUP;
        return request || cancel || startup ? Recognition.YES : Recognition.NO;
    }

    @Override
    public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
        return new PostgresStreamDissector(stream);
    }

    static int int32(byte[] d, int i) {
        return ((d[i] & 0xff) << 24) | ((d[i + 1] & 0xff) << 16) | ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
    }
}
