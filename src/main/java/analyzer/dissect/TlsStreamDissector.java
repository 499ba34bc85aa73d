package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The TLS record layer of one direction, by hand: records may be split over many deliveries and one delivery
 * may hold many records. Handshake messages are reassembled across records. Ciphertext is counted, never copied.
 *
 * <p>After missing bytes it stays in charge, reporting bytes raw until a delivery starts with a record header
 * (what it learnt of the connection still holds). A header that is not TLS hands the rest of the stream over as
 * raw data.
 */
final class TlsStreamDissector implements StreamDissector {

    private static final int HEADER = 5;
    /** Larger handshake messages (huge certificate chains) are counted but not reassembled. */
    private static final int MAX_HANDSHAKE_MESSAGE = 1 << 20;

    private final StreamContext stream;
    private final Flow flow;
    private final Direction direction;
    private final EventSink sink;
    private final TlsConnectionState connection;
    /** Bytes went missing: wait for a delivery that starts with a record header. */
    private boolean resyncing;

    private final byte[] header = new byte[HEADER];
    private int headerFill;
    private int contentType;
    private int version;
    private int length;
    private int remaining;
    private boolean encrypted;
    private boolean keepPayload;
    private byte[] payload = new byte[512];
    private int payloadFill;
    private long recordTimestamp;
    private final Frames.Builder frames = new Frames.Builder();

    /** This direction sent ChangeCipherSpec: in TLS 1.2 and earlier, everything after it is ciphertext. */
    private boolean changedCipherSpec;

    private byte[] handshake = new byte[0];
    private int handshakeFill;
    /** Bytes of an oversized handshake message still to pass over. */
    private long handshakeSkip;

    /** Whether a record was read yet: only the first may be an SSL 2.0-compatible ClientHello. */
    private boolean sawRecord;
    private boolean ssl2Hello;

    TlsStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.flow = stream.flow();
        this.direction = stream.direction();
        this.sink = stream.sink();
        this.connection = stream.connection().state(TlsConnectionState.class, TlsConnectionState::new);
    }

    @Override
    public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (resyncing) {
            if (!TlsProtocol.isRecordHeader(data, offset, length)) {
                stream.raw(data, offset, length, frame, timestampMicros);
                return;
            }
            resyncing = false;
        }
        int consumed = records(data, offset, length, frame, timestampMicros);
        if (consumed < length) {
            // From the start of the header that is not TLS, as far as it lies in these bytes.
            stream.handOff(Protocols.RAW, data, offset + consumed, length - consumed);
        }
    }

    @Override
    public void gap(long missingBytes, long frame, long timestampMicros) {
        headerFill = 0;
        remaining = 0;
        handshakeFill = 0;
        handshakeSkip = 0;
        resyncing = true;
    }

    @Override
    public void close() {
    }

    /** Reads records; returns how many bytes were TLS, less than length when a record header is not. */
    private int records(byte[] data, int offset, int length, long frame, long timestampMicros) {
        int pos = offset;
        int end = offset + length;
        while (pos < end) {
            if (headerFill < HEADER) {
                if (headerFill == 0) {
                    recordTimestamp = timestampMicros;
                    frames.clear();
                }
                int n = Math.min(HEADER - headerFill, end - pos);
                System.arraycopy(data, pos, header, headerFill, n);
                headerFill += n;
                pos += n;
                frames.add(frame);
                if (headerFill < HEADER) {
                    break;
                }
                if (!startRecord()) {
                    int consumedBeforeHeader = pos - n - offset;
                    return Math.max(0, consumedBeforeHeader);
                }
            }
            int n = Math.min(remaining, end - pos);
            if (n > 0) {
                if (keepPayload) {
                    System.arraycopy(data, pos, payload, payloadFill, n);
                    payloadFill += n;
                }
                remaining -= n;
                pos += n;
                frames.add(frame);
            }
            if (remaining == 0) {
                finishRecord();
            }
        }
        return length;
    }

    private boolean startRecord() {
        boolean first = !sawRecord;
        sawRecord = true;
        if (first && TlsProtocol.isSsl2ClientHelloPrefix(header, 0, HEADER)) {
            return startSsl2ClientHello();
        }
        contentType = header[0] & 0xff;
        version = ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (contentType < 20 || contentType > 24 || header[1] != 3 || (header[2] & 0xff) > 4
                || length > TlsProtocol.MAX_TLS_RECORD) {
            headerFill = 0;
            return false;
        }
        encrypted = contentType == TlsRecordSeen.APPLICATION_DATA
                || (!connection.tls13 && changedCipherSpec);
        keepPayload = !encrypted && contentType != TlsRecordSeen.APPLICATION_DATA
                && contentType != TlsRecordSeen.HEARTBEAT;
        if (keepPayload && payload.length < length) {
            payload = new byte[Math.max(length, payload.length * 2)];
        }
        payloadFill = 0;
        remaining = length;
        return true;
    }

    /** The 5 bytes read as a header are the 2-byte length and the first 3 bytes of the message. */
    private boolean startSsl2ClientHello() {
        ssl2Hello = true;
        contentType = TlsRecordSeen.HANDSHAKE;
        version = 0x0002;
        length = ((header[0] & 0x7f) << 8) | (header[1] & 0xff);
        encrypted = false;
        keepPayload = true;
        if (payload.length < length) {
            payload = new byte[length];
        }
        System.arraycopy(header, 2, payload, 0, 3);
        payloadFill = 3;
        remaining = length - 3;
        return true;
    }

    private void finishRecord() {
        List<TlsHandshake> handshakes = List.of();
        TlsAlert alert = null;
        if (ssl2Hello) {
            ssl2Hello = false;
            handshakes = List.of(TlsHandshakeParser.parseSsl2ClientHello(payload, 0, payloadFill));
        } else if (keepPayload) {
            switch (contentType) {
                case TlsRecordSeen.CHANGE_CIPHER_SPEC -> changedCipherSpec = true;
                case TlsRecordSeen.ALERT -> {
                    if (length >= 2) {
                        alert = new TlsAlert(payload[0] & 0xff, payload[1] & 0xff);
                    }
                }
                case TlsRecordSeen.HANDSHAKE -> handshakes = readHandshakes();
                default -> { }
            }
        }
        headerFill = 0;
        sink.accept(new TlsRecordSeen(flow, direction, recordTimestamp, frames.build(), contentType, version, length,
                handshakes, alert, encrypted));
    }

    private List<TlsHandshake> readHandshakes() {
        int pos = 0;
        if (handshakeSkip > 0) {
            int n = (int) Math.min(handshakeSkip, payloadFill);
            handshakeSkip -= n;
            pos = n;
        }
        if (pos == payloadFill) {
            return List.of();
        }
        // Fast path: whole messages inside this record need no copy into the reassembly buffer.
        byte[] buf;
        int start;
        int limit;
        if (handshakeFill == 0) {
            buf = payload;
            start = pos;
            limit = payloadFill;
        } else {
            appendHandshake(payload, pos, payloadFill - pos);
            buf = handshake;
            start = 0;
            limit = handshakeFill;
        }
        List<TlsHandshake> found = null;
        while (limit - start >= 4) {
            int type = buf[start] & 0xff;
            int bodyLength = ((buf[start + 1] & 0xff) << 16) | ((buf[start + 2] & 0xff) << 8) | (buf[start + 3] & 0xff);
            if (bodyLength > MAX_HANDSHAKE_MESSAGE) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(new TlsHandshake.Other(type, bodyLength));
                long available = limit - start - 4;
                handshakeSkip = Math.max(0, bodyLength - available);
                start = (int) Math.min(limit, start + 4L + bodyLength);
                continue;
            }
            if (limit - start - 4 < bodyLength) {
                break;
            }
            if (found == null) {
                found = new ArrayList<>(2);
            }
            found.add(TlsHandshakeParser.parse(type, buf, start + 4, bodyLength, connection.tls13));
            start += 4 + bodyLength;
        }
        // Keep the unfinished tail for the next handshake record.
        int rest = limit - start;
        if (buf == payload) {
            handshakeFill = 0;
            if (rest > 0) {
                appendHandshake(payload, start, rest);
            }
        } else {
            System.arraycopy(handshake, start, handshake, 0, rest);
            handshakeFill = rest;
        }
        if (found == null) {
            return List.of();
        }
        for (TlsHandshake h : found) {
            connection.saw(h);
        }
        return List.copyOf(found);
    }

    private void appendHandshake(byte[] src, int offset, int count) {
        if (handshakeFill + count > handshake.length) {
            handshake = Arrays.copyOf(handshake, Math.max(handshakeFill + count, Math.max(256, handshake.length * 2)));
        }
        System.arraycopy(src, offset, handshake, handshakeFill, count);
        handshakeFill += count;
    }
}
