package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * One direction of a connection: detects the protocol from the first bytes, hands the stream to the HTTP, TLS or
 * raw dissector, and switches when the stream changes nature (a CONNECT tunnel, malformed HTTP, missing bytes).
 *
 * <p>A stream whose first bytes are not recognised is reported raw, and later deliveries are searched for HTTP or
 * TLS (a capture that starts mid-connection often starts mid-body). Recovery after bytes go missing: HTTP resumes at the next line that starts a request or status line
 * (scanned within each delivery); TLS resumes only when a delivery starts with a plausible record header, since
 * ciphertext offers no landmark to search for. Bytes in between are reported raw. Malformed TLS (a header that is
 * not TLS) turns the rest of the direction raw.
 */
final class DirectionDissector {

    /**
     * SEARCH: the stream did not start with anything recognisable, e.g. the capture began mid-connection; each
     * later delivery is checked for a TLS record header at its start or an HTTP line start within it.
     */
    private enum State { DETECT, HTTP, TLS, RAW, SEARCH, RESYNC_HTTP, RESYNC_TLS, CLOSED }

    private final Flow flow;
    private final Direction direction;
    private final EventSink sink;
    private final DissectorOptions options;
    private final PendingRequests pendingRequests;
    private final TlsConnectionState tlsState;
    private final RawStreamDissector raw;

    private State state = State.DETECT;
    /** The opposite direction of the same connection. */
    private DirectionDissector peer;
    private HttpStreamDissector http;
    private TlsStreamDissector tls;

    /** The first bytes while they are too few to decide, with the delivery each came in. */
    private final byte[] probe = new byte[ProtocolDetector.MAX_PROBE];
    private int probeFill;
    private final int[] segmentLength = new int[ProtocolDetector.MAX_PROBE];
    private final long[] segmentFrame = new long[ProtocolDetector.MAX_PROBE];
    private final long[] segmentTime = new long[ProtocolDetector.MAX_PROBE];
    private int segments;

    DirectionDissector(Flow flow, Direction direction, EventSink sink, DissectorOptions options,
                       PendingRequests pendingRequests, TlsConnectionState tlsState) {
        this.flow = flow;
        this.direction = direction;
        this.sink = sink;
        this.options = options;
        this.pendingRequests = pendingRequests;
        this.tlsState = tlsState;
        this.raw = new RawStreamDissector(flow, direction, sink, options.maxRawPreview());
    }

    void pairWith(DirectionDissector opposite) {
        this.peer = opposite;
    }

    void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (length <= 0) {
            return;
        }
        switch (state) {
            case DETECT -> detect(data, offset, length, frame, timestampMicros);
            case HTTP -> feedHttp(data, offset, length, frame, timestampMicros);
            case TLS -> feedTls(data, offset, length, frame, timestampMicros);
            case RAW -> raw.data(data, offset, length, frame, timestampMicros);
            case SEARCH -> search(data, offset, length, frame, timestampMicros);
            case RESYNC_HTTP -> resyncHttp(data, offset, length, frame, timestampMicros, false);
            case RESYNC_TLS -> resyncTls(data, offset, length, frame, timestampMicros);
            case CLOSED -> { }
        }
    }

    void gap(long missingBytes, long frame, long timestampMicros) {
        switch (state) {
            case DETECT -> flushProbeAsRaw();
            case HTTP -> {
                http.close(sink);
                http = null;
                pendingRequests.clear();
                state = State.RESYNC_HTTP;
            }
            case TLS -> {
                tls.resync();
                state = State.RESYNC_TLS;
            }
            default -> { }
        }
        if (state != State.CLOSED) {
            sink.accept(new StreamGap(flow, direction, timestampMicros, RawStreamDissector.framesOf(frame),
                    missingBytes));
        }
    }

    /** The other direction answered 101 Switching Protocols: what this one sends next is not HTTP/1.x either. */
    void switchedProtocols() {
        if (state == State.HTTP) {
            http.close(sink);
            http = null;
            state = State.DETECT;
        }
    }

    void close() {
        switch (state) {
            case DETECT -> flushProbeAsRaw();
            case HTTP -> http.close(sink);
            default -> { }
        }
        http = null;
        state = State.CLOSED;
    }

    private void detect(byte[] data, int offset, int length, long frame, long timestampMicros) {
        ProtocolDetector.Protocol protocol;
        if (probeFill == 0) {
            protocol = ProtocolDetector.detect(data, offset, length);
        } else {
            byte[] joined = new byte[ProtocolDetector.MAX_PROBE];
            System.arraycopy(probe, 0, joined, 0, probeFill);
            int n = Math.min(length, joined.length - probeFill);
            System.arraycopy(data, offset, joined, probeFill, n);
            protocol = ProtocolDetector.detect(joined, 0, probeFill + n);
        }
        if (protocol == ProtocolDetector.Protocol.NEED_MORE) {
            if (probeFill + length <= probe.length) {
                System.arraycopy(data, offset, probe, probeFill, length);
                probeFill += length;
                segmentLength[segments] = length;
                segmentFrame[segments] = frame;
                segmentTime[segments] = timestampMicros;
                segments++;
                return;
            }
            protocol = ProtocolDetector.Protocol.RAW;
        }
        if (protocol == ProtocolDetector.Protocol.RAW) {
            flushProbeAsRaw();
            state = State.SEARCH;
            search(data, offset, length, frame, timestampMicros);
            return;
        }
        begin(protocol);
        replayProbe();
        data(data, offset, length, frame, timestampMicros);
    }

    private void search(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (ProtocolDetector.isTlsRecordHeader(data, offset, length)) {
            begin(ProtocolDetector.Protocol.TLS);
            feedTls(data, offset, length, frame, timestampMicros);
        } else {
            resyncHttp(data, offset, length, frame, timestampMicros, false);
        }
    }

    private void begin(ProtocolDetector.Protocol protocol) {
        switch (protocol) {
            case HTTP_REQUEST, HTTP_RESPONSE -> {
                http = new HttpStreamDissector(flow, direction, protocol == ProtocolDetector.Protocol.HTTP_REQUEST,
                        pendingRequests, options);
                state = State.HTTP;
            }
            case TLS -> {
                tls = new TlsStreamDissector(flow, direction, sink, tlsState);
                state = State.TLS;
            }
            default -> state = State.RAW;
        }
    }

    /** Feeds the held-back first bytes, delivery by delivery, to whatever the stream turned out to be. */
    private void replayProbe() {
        if (probeFill == 0) {
            return;
        }
        byte[] bytes = java.util.Arrays.copyOf(probe, probeFill);
        int count = segments;
        int[] lengths = segmentLength.clone();
        long[] frames = segmentFrame.clone();
        long[] times = segmentTime.clone();
        probeFill = 0;
        segments = 0;
        int pos = 0;
        for (int i = 0; i < count; i++) {
            data(bytes, pos, lengths[i], frames[i], times[i]);
            pos += lengths[i];
        }
    }

    private void flushProbeAsRaw() {
        int pos = 0;
        for (int i = 0; i < segments; i++) {
            raw.data(probe, pos, segmentLength[i], segmentFrame[i], segmentTime[i]);
            pos += segmentLength[i];
        }
        probeFill = 0;
        segments = 0;
    }

    private void feedHttp(byte[] data, int offset, int length, long frame, long timestampMicros) {
        HttpStreamDissector.Outcome outcome = http.data(data, offset, length, frame, timestampMicros, sink);
        if (outcome == HttpStreamDissector.Outcome.CONTINUE) {
            return;
        }
        byte[] rest = http.takeLeftover();
        http.close(sink);
        http = null;
        if (outcome != HttpStreamDissector.Outcome.MALFORMED) {
            // What flows through a CONNECT tunnel or after 101 Switching Protocols is a new stream: detect again.
            if (outcome == HttpStreamDissector.Outcome.SWITCHED_PROTOCOLS && peer != null) {
                peer.switchedProtocols();
            }
            state = State.DETECT;
            data(rest, 0, rest.length, frame, timestampMicros);
        } else {
            state = State.RESYNC_HTTP;
            if (rest.length > 0) {
                resyncHttp(rest, 0, rest.length, frame, timestampMicros, true);
            }
        }
    }

    /** Reports bytes up to the next line that starts an HTTP message as raw, then parses HTTP from there. */
    private void resyncHttp(byte[] data, int offset, int length, long frame, long timestampMicros,
                            boolean skipFirstLine) {
        int end = offset + length;
        int pos = offset;
        if (skipFirstLine) {
            pos = nextLineStart(data, pos, end);
        }
        while (pos < end && !ProtocolDetector.isHttpStart(data, pos, end - pos)) {
            pos = nextLineStart(data, pos, end);
        }
        if (pos > offset) {
            raw.data(data, offset, pos - offset, frame, timestampMicros);
        }
        if (pos < end) {
            begin(ProtocolDetector.detect(data, pos, end - pos));
            data(data, pos, end - pos, frame, timestampMicros);
        }
    }

    private static int nextLineStart(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] == '\n') {
                return i + 1;
            }
        }
        return end;
    }

    private void feedTls(byte[] data, int offset, int length, long frame, long timestampMicros) {
        int consumed = tls.data(data, offset, length, frame, timestampMicros);
        if (consumed < length) {
            state = State.RAW;
            raw.data(data, offset + consumed, length - consumed, frame, timestampMicros);
        }
    }

    private void resyncTls(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (ProtocolDetector.isTlsRecordHeader(data, offset, length)) {
            state = State.TLS;
            feedTls(data, offset, length, frame, timestampMicros);
        } else {
            raw.data(data, offset, length, frame, timestampMicros);
        }
    }
}
