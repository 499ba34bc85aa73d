package analyzer.dissect;

import analyzer.dissect.tls.TlsDecryption;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The TLS record layer of one direction, by hand: records may be split over many deliveries and one delivery
 * may hold many records. Handshake messages are reassembled across records. Ciphertext is counted, never copied,
 * unless the connection has keys ({@link DissectorOptions#tlsKeys()}): then each protected record is opened and
 * reported with what it held (handshake messages, an alert), and the application data inside is dissected as the
 * connection's inner stream ({@link ConnectionContext#openInner}), marked as decrypted by its flow.
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

    /** The connection's keys and its decrypted inside, or null when no keys were given. */
    private final Inside inside;
    /** The record being read is protected and the connection has keys: its payload is kept to be opened. */
    private boolean protectedRecord;
    /** Handshake messages decrypted from protected records, reassembled apart from those in clear. */
    private byte[] decryptedHandshake = new byte[0];
    private int decryptedHandshakeFill;
    /**
     * Protected records held while a live capture waits for their keys to be logged, in order, with the bytes
     * they hold; bounded by {@link #MAX_WAITING_BYTES} and {@link #MAX_WAIT_MICROS} of capture time.
     */
    private final ArrayDeque<WaitingRecord> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private static final long MAX_WAITING_BYTES = 1 << 20;
    private static final long MAX_WAIT_MICROS = 3_000_000L;

    private record WaitingRecord(int contentType, int version, int length, byte[] payload, Frames frames,
                                 long timestampMicros) {
    }

    /**
     * Shared by both directions of a connection with keys: its decryption, and the inner connection its plaintext
     * goes to (opened at the first application data, closed when both directions have closed).
     */
    private static final class Inside {
        final TlsDecryption decryption;
        ConnectionListener inner;
        int closed;

        Inside(TlsDecryption decryption) {
            this.decryption = decryption;
        }
    }

    TlsStreamDissector(StreamContext stream) {
        this.stream = stream;
        this.flow = stream.flow();
        this.direction = stream.direction();
        this.sink = stream.sink();
        this.connection = stream.connection().state(TlsConnectionState.class, TlsConnectionState::new);
        this.inside = stream.options().tlsKeys().isEmpty() ? null : stream.connection().state(Inside.class,
                () -> new Inside(new TlsDecryption(flow, sink, stream.options().tlsKeys())));
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

    /** The stream ended: records still waiting for keys are reported as they are; the last side closes the inside. */
    @Override
    public void close() {
        if (inside == null) {
            return;
        }
        if (!waiting.isEmpty()) {
            releaseWaiting(true);
        }
        if (++inside.closed == 2 && inside.inner != null) {
            inside.inner.onClose(ConnectionListener.CloseReason.FIN, frames.isEmpty() ? 0 : frames.build().last(),
                    recordTimestamp);
        }
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
        protectedRecord = inside != null && inside.decryption.protects(direction, contentType);
        keepPayload = protectedRecord || (!encrypted && contentType != TlsRecordSeen.APPLICATION_DATA
                && contentType != TlsRecordSeen.HEARTBEAT);
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
        if (protectedRecord) {
            protectedRecord = false;
            headerFill = 0;
            openProtected(contentType, version, length, payload, payloadFill, frames.build(), recordTimestamp);
            return;
        }
        List<TlsHandshake> handshakes = List.of();
        TlsAlert alert = null;
        if (ssl2Hello) {
            ssl2Hello = false;
            handshakes = List.of(TlsHandshakeParser.parseSsl2ClientHello(payload, 0, payloadFill));
        } else if (keepPayload) {
            switch (contentType) {
                case TlsRecordSeen.CHANGE_CIPHER_SPEC -> {
                    changedCipherSpec = true;
                    if (inside != null) {
                        inside.decryption.changeCipherSpec(direction);
                    }
                }
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
            if (inside != null) {
                inside.decryption.handshake(direction, buf, start, 4 + bodyLength);
            }
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

    /**
     * A protected record: opened when its keys are known (then reported with its real type and content),
     * held while a live capture may still learn them, else reported as ciphertext.
     */
    private void openProtected(int type, int recordVersion, int recordLength, byte[] bytes, int fill, Frames where,
                               long timestampMicros) {
        if (!waiting.isEmpty()) {
            hold(type, recordVersion, recordLength, bytes, fill, where, timestampMicros);
            releaseWaiting(false);
            return;
        }
        TlsDecryption.Result result = inside.decryption.open(direction, type, recordVersion, bytes, 0, fill, where,
                timestampMicros);
        switch (result) {
            case OPENED -> reportOpened(recordVersion, recordLength, where, timestampMicros);
            case WAIT -> hold(type, recordVersion, recordLength, bytes, fill, where, timestampMicros);
            default -> sink.accept(new TlsRecordSeen(flow, direction, timestampMicros, where, type, recordVersion,
                    recordLength, List.of(), null, true));
        }
    }

    private void hold(int type, int recordVersion, int recordLength, byte[] bytes, int fill, Frames where,
                      long timestampMicros) {
        waiting.add(new WaitingRecord(type, recordVersion, recordLength, Arrays.copyOf(bytes, fill), where,
                timestampMicros));
        waitingBytes += fill;
    }

    /**
     * Tries the held records again, in order; past the bounds (or at the end, {@code last}) the keys are taken
     * not to come and the rest is reported as ciphertext.
     */
    private void releaseWaiting(boolean last) {
        TlsDecryption decryption = inside.decryption;
        while (!waiting.isEmpty()) {
            WaitingRecord r = waiting.peekFirst();
            boolean giveUp = last || waitingBytes > MAX_WAITING_BYTES
                    || waiting.peekLast().timestampMicros() - r.timestampMicros() > MAX_WAIT_MICROS;
            TlsDecryption.Result result = decryption.open(direction, r.contentType(), r.version(), r.payload(), 0,
                    r.payload().length, r.frames(), r.timestampMicros());
            if (result == TlsDecryption.Result.WAIT && !giveUp) {
                return;
            }
            waiting.removeFirst();
            waitingBytes -= r.payload().length;
            if (result == TlsDecryption.Result.OPENED) {
                reportOpened(r.version(), r.length(), r.frames(), r.timestampMicros());
            } else {
                if (result == TlsDecryption.Result.WAIT) {
                    decryption.sayNoKey(direction, r.frames(), r.timestampMicros());
                }
                sink.accept(new TlsRecordSeen(flow, direction, r.timestampMicros(), r.frames(), r.contentType(),
                        r.version(), r.length(), List.of(), null, true));
            }
        }
    }

    /** Reports the record just opened with what it held, and passes its application data on. */
    private void reportOpened(int recordVersion, int recordLength, Frames where, long timestampMicros) {
        TlsDecryption decryption = inside.decryption;
        int type = decryption.plaintextType();
        byte[] plain = decryption.plaintext();
        int n = decryption.plaintextLength();
        List<TlsHandshake> handshakes = List.of();
        TlsAlert alert = null;
        if (type == TlsRecordSeen.HANDSHAKE) {
            handshakes = readDecryptedHandshakes(plain, n);
        } else if (type == TlsRecordSeen.ALERT && n >= 2) {
            alert = new TlsAlert(plain[0] & 0xff, plain[1] & 0xff);
        }
        sink.accept(new TlsRecordSeen(flow, direction, timestampMicros, where, type, recordVersion, recordLength,
                handshakes, alert, false, true));
        if (type == TlsRecordSeen.APPLICATION_DATA && n > 0) {
            if (inside.inner == null) {
                String alpn = connection.selectedAlpn();
                inside.inner = stream.connection().openInner(flow.decryptedView(), sink,
                        alpn == null ? null : stream.protocols().forAlpn(alpn));
            }
            inside.inner.onData(direction, plain, 0, n, where.last(), timestampMicros);
        }
    }

    /** Handshake messages out of protected records: Finished, and under TLS 1.3 the whole server flight. */
    private List<TlsHandshake> readDecryptedHandshakes(byte[] plain, int n) {
        if (decryptedHandshakeFill + n > MAX_HANDSHAKE_MESSAGE + 4) {
            decryptedHandshakeFill = 0;
            return List.of();
        }
        if (decryptedHandshakeFill + n > decryptedHandshake.length) {
            decryptedHandshake = Arrays.copyOf(decryptedHandshake, Math.max(decryptedHandshakeFill + n,
                    Math.max(256, decryptedHandshake.length * 2)));
        }
        System.arraycopy(plain, 0, decryptedHandshake, decryptedHandshakeFill, n);
        decryptedHandshakeFill += n;
        List<TlsHandshake> found = new ArrayList<>(2);
        int start = 0;
        while (decryptedHandshakeFill - start >= 4) {
            int type = decryptedHandshake[start] & 0xff;
            int bodyLength = ((decryptedHandshake[start + 1] & 0xff) << 16)
                    | ((decryptedHandshake[start + 2] & 0xff) << 8) | (decryptedHandshake[start + 3] & 0xff);
            if (decryptedHandshakeFill - start - 4 < bodyLength) {
                break;
            }
            TlsHandshake h = TlsHandshakeParser.parse(type, decryptedHandshake, start + 4, bodyLength,
                    inside.decryption.tls13());
            found.add(h);
            connection.saw(h);
            inside.decryption.handshake(direction, decryptedHandshake, start, 4 + bodyLength);
            start += 4 + bodyLength;
        }
        System.arraycopy(decryptedHandshake, start, decryptedHandshake, 0, decryptedHandshakeFill - start);
        decryptedHandshakeFill -= start;
        return List.copyOf(found);
    }

    private void appendHandshake(byte[] src, int offset, int count) {
        if (handshakeFill + count > handshake.length) {
            handshake = Arrays.copyOf(handshake, Math.max(handshakeFill + count, Math.max(256, handshake.length * 2)));
        }
        System.arraycopy(src, offset, handshake, handshakeFill, count);
        handshakeFill += count;
    }

    @Override
    public long retainedBytes() {
        // The decrypted inside is shared by both directions: the client's side counts it.
        long inner = inside != null && inside.inner != null && direction == Direction.CLIENT_TO_SERVER
                ? inside.inner.retainedBytes() : 0;
        return 640 + payload.length + handshake.length + decryptedHandshake.length + frames.footprint() + waitingBytes
                + inner;
    }
}
