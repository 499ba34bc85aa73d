package analyzer.dissect;

import analyzer.flow.Direction;
import analyzer.flow.Flow;

/**
 * One direction of a connection, and the {@link StreamContext} of whichever {@link StreamDissector} reads it: it
 * recognises the protocol from the first bytes (the {@link Protocols} heuristic table, in order), feeds the chosen
 * dissector, and carries out its hand-offs.
 *
 * <p>A stream whose first bytes no protocol claims is reported raw, and later deliveries are searched for any
 * protocol's landmark (a capture that starts mid-connection often starts mid-body); the earliest wins. A
 * resynchronisation after missing bytes or malformed input searches for one protocol's landmark only.
 */
final class DirectionDissector implements StreamContext {

    /**
     * DETECT: holding back the first bytes until a protocol claims them. DISSECT: a dissector reads the stream.
     * SEARCH: nothing recognisable at the start; each delivery is searched for any protocol's landmark. RESYNC:
     * raw until the landmark of {@link #resyncProtocol}.
     */
    private enum State { DETECT, DISSECT, SEARCH, RESYNC, CLOSED }

    private enum HandOffKind { OPEN, DETECT, RESYNC }

    private static final byte[] NOTHING = new byte[0];

    private final ConnectionDissector connection;
    private final Flow flow;
    private final Direction direction;
    private final EventSink sink;
    private final DissectorOptions options;
    private final Protocols protocols;
    private final RawStreamDissector raw;

    private State state = State.DETECT;
    private StreamDissector dissector;
    private StreamProtocol protocol;
    private StreamProtocol resyncProtocol;

    /** The first bytes while they are too few to decide; made only then (most streams decide on their first). */
    private Probe probe;
    private final boolean[] needMore = new boolean[1];

    /** Set while the dissector is being fed: a hand-off it asks for is carried out when the call returns. */
    private boolean feeding;
    private HandOffKind handOff;
    private StreamProtocol handOffTo;
    private byte[] handOffBytes;
    private int handOffOffset;
    private int handOffLength;
    private int handOffSearchFrom;

    DirectionDissector(ConnectionDissector connection, Direction direction, EventSink sink) {
        this.connection = connection;
        this.flow = connection.flow();
        this.direction = direction;
        this.sink = sink;
        this.options = connection.options();
        this.protocols = connection.protocols();
        this.raw = new RawStreamDissector(this);
    }

    /** The first bytes of a stream while too few to decide what it is, with the delivery each came in. */
    private static final class Probe {
        final byte[] bytes;
        int fill;
        final int[] segmentLength;
        final long[] segmentFrame;
        final long[] segmentTime;
        int segments;

        Probe(int length) {
            bytes = new byte[length];
            segmentLength = new int[length];
            segmentFrame = new long[length];
            segmentTime = new long[length];
        }

        long footprint() {
            return 64 + bytes.length * 21L;
        }
    }

    /** Roughly what this direction holds: itself, the bytes held back for detection, its dissector's buffers. */
    long retainedBytes() {
        long held = 112;
        if (probe != null) {
            held += probe.footprint();
        }
        StreamDissector d = dissector;
        if (d != null) {
            held += d.retainedBytes();
        }
        return held;
    }

    // ---- the feed

    void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
        if (length <= 0) {
            return;
        }
        switch (state) {
            case DISSECT -> feed(data, offset, length, frame, timestampMicros);
            case DETECT -> detect(data, offset, length, frame, timestampMicros);
            case SEARCH -> search(data, offset, length, frame, timestampMicros);
            case RESYNC -> resync(data, offset, length, offset, frame, timestampMicros);
            case CLOSED -> { }
        }
    }

    void gap(long missingBytes, long frame, long timestampMicros) {
        switch (state) {
            case DETECT -> flushProbeAsRaw();
            case DISSECT -> {
                feeding = true;
                try {
                    dissector.gap(missingBytes, frame, timestampMicros);
                } finally {
                    feeding = false;
                }
                carryOutHandOff(frame, timestampMicros);
            }
            default -> { }
        }
        if (state != State.CLOSED) {
            sink.accept(new StreamGap(flow, direction, timestampMicros, RawStreamDissector.framesOf(frame),
                    missingBytes));
        }
    }

    void close() {
        switch (state) {
            case DETECT -> flushProbeAsRaw();
            case DISSECT -> {
                state = State.CLOSED;
                dissector.close();
            }
            default -> { }
        }
        dissector = null;
        protocol = null;
        state = State.CLOSED;
    }

    private void feed(byte[] data, int offset, int length, long frame, long timestampMicros) {
        feeding = true;
        try {
            dissector.data(data, offset, length, frame, timestampMicros);
        } finally {
            feeding = false;
        }
        carryOutHandOff(frame, timestampMicros);
    }

    // ---- detection

    private void detect(byte[] data, int offset, int length, long frame, long timestampMicros) {
        byte[] bytes = data;
        int from = offset;
        int count = length;
        Probe p = probe;
        if (p != null && p.fill > 0) {
            bytes = new byte[p.bytes.length];
            System.arraycopy(p.bytes, 0, bytes, 0, p.fill);
            int n = Math.min(length, bytes.length - p.fill);
            System.arraycopy(data, offset, bytes, p.fill, n);
            from = 0;
            count = p.fill + n;
        }
        StreamProtocol found = protocols.recognise(bytes, from, count, needMore);
        if (found == null && needMore[0]) {
            if (p == null) {
                p = probe = new Probe(protocols.probeLength());
            }
            if (p.fill + length <= p.bytes.length) {
                System.arraycopy(data, offset, p.bytes, p.fill, length);
                p.fill += length;
                p.segmentLength[p.segments] = length;
                p.segmentFrame[p.segments] = frame;
                p.segmentTime[p.segments] = timestampMicros;
                p.segments++;
                return;
            }
        }
        if (found == null) {
            flushProbeAsRaw();
            state = State.SEARCH;
            search(data, offset, length, frame, timestampMicros);
            return;
        }
        begin(found, bytes, from, count);
        replayProbe();
        data(data, offset, length, frame, timestampMicros);
    }

    /** Nothing was recognised at the start: raw up to the earliest landmark of any protocol. */
    private void search(byte[] data, int offset, int length, long frame, long timestampMicros) {
        int best = -1;
        StreamProtocol found = null;
        for (StreamProtocol p : protocols.heuristics()) {
            int at = p.resumeAt(data, offset, length);
            if (at >= offset && (best < 0 || at < best)) {
                best = at;
                found = p;
            }
        }
        if (found == null) {
            raw.data(data, offset, length, frame, timestampMicros);
            return;
        }
        startAt(found, data, offset, length, best, frame, timestampMicros);
    }

    /** Raw up to the next landmark of the protocol being resynchronised, searched from {@code searchFrom}. */
    private void resync(byte[] data, int offset, int length, int searchFrom, long frame, long timestampMicros) {
        int end = offset + length;
        int at = searchFrom < end ? resyncProtocol.resumeAt(data, searchFrom, end - searchFrom) : -1;
        if (at < searchFrom) {
            raw.data(data, offset, length, frame, timestampMicros);
            return;
        }
        startAt(resyncProtocol, data, offset, length, at, frame, timestampMicros);
    }

    private void startAt(StreamProtocol p, byte[] data, int offset, int length, int at, long frame,
                         long timestampMicros) {
        int end = offset + length;
        if (at > offset) {
            raw.data(data, offset, at - offset, frame, timestampMicros);
        }
        begin(p, data, at, end - at);
        data(data, at, end - at, frame, timestampMicros);
    }

    private void begin(StreamProtocol p, byte[] first, int offset, int length) {
        protocol = p;
        state = State.DISSECT;
        dissector = p.open(this, first, offset, length);
    }

    /** Feeds the held-back first bytes, delivery by delivery, to whatever the stream turned out to be. */
    private void replayProbe() {
        Probe p = probe;
        probe = null;
        if (p == null || p.fill == 0) {
            return;
        }
        int pos = 0;
        for (int i = 0; i < p.segments; i++) {
            data(p.bytes, pos, p.segmentLength[i], p.segmentFrame[i], p.segmentTime[i]);
            pos += p.segmentLength[i];
        }
    }

    private void flushProbeAsRaw() {
        Probe p = probe;
        probe = null;
        if (p == null) {
            return;
        }
        int pos = 0;
        for (int i = 0; i < p.segments; i++) {
            raw.data(p.bytes, pos, p.segmentLength[i], p.segmentFrame[i], p.segmentTime[i]);
            pos += p.segmentLength[i];
        }
    }

    // ---- hand-off

    @Override
    public void handOff(StreamProtocol next, byte[] rest, int offset, int length) {
        askHandOff(HandOffKind.OPEN, next, rest, offset, length, offset);
    }

    @Override
    public void detectAgain(byte[] rest, int offset, int length) {
        askHandOff(HandOffKind.DETECT, null, rest, offset, length, offset);
    }

    @Override
    public void resync(StreamProtocol target, byte[] rest, int offset, int length, int searchFrom) {
        askHandOff(HandOffKind.RESYNC, target, rest, offset, length, searchFrom);
    }

    private void askHandOff(HandOffKind kind, StreamProtocol next, byte[] rest, int offset, int length,
                            int searchFrom) {
        if (state == State.CLOSED || handOff != null) {
            return;
        }
        handOff = kind;
        handOffTo = next;
        handOffBytes = rest;
        handOffOffset = offset;
        handOffLength = length;
        handOffSearchFrom = searchFrom;
        if (!feeding) {
            // Asked by the other direction's dissector: this one is between deliveries, switch now.
            carryOutHandOff(0, 0);
        }
    }

    /** Closes the dissector that asked, then gives the rest to what it asked for. */
    private void carryOutHandOff(long frame, long timestampMicros) {
        if (handOff == null) {
            return;
        }
        HandOffKind kind = handOff;
        StreamProtocol next = handOffTo;
        byte[] bytes = handOffBytes;
        int offset = handOffOffset;
        int length = handOffLength;
        int searchFrom = handOffSearchFrom;
        handOff = null;
        handOffTo = null;
        handOffBytes = null;
        StreamDissector old = dissector;
        dissector = null;
        protocol = null;
        if (old != null) {
            old.close();
        }
        switch (kind) {
            case OPEN -> {
                begin(next, bytes, offset, length);
                data(bytes, offset, length, frame, timestampMicros);
            }
            case DETECT -> {
                state = State.DETECT;
                data(bytes, offset, length, frame, timestampMicros);
            }
            case RESYNC -> {
                state = State.RESYNC;
                resyncProtocol = next;
                if (length > 0) {
                    resync(bytes, offset, length, searchFrom, frame, timestampMicros);
                }
            }
        }
    }

    // ---- what the dissector is given

    @Override
    public void raw(byte[] data, int offset, int length, long frame, long timestampMicros) {
        raw.data(data, offset, length, frame, timestampMicros);
    }

    @Override
    public Flow flow() {
        return flow;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public EventSink sink() {
        return sink;
    }

    @Override
    public DissectorOptions options() {
        return options;
    }

    @Override
    public Protocols protocols() {
        return protocols;
    }

    @Override
    public ConnectionContext connection() {
        return connection;
    }

    @Override
    public StreamContext peer() {
        return connection.stream(direction.reverse());
    }

    @Override
    public StreamProtocol protocol() {
        return protocol;
    }

    /** Starts the direction with a known protocol instead of detecting it (an inner stream whose ALPN said). */
    void expect(StreamProtocol known) {
        begin(known, NOTHING, 0, 0);
    }
}
