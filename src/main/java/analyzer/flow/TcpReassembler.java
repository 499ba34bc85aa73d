package analyzer.flow;

import analyzer.flow.ConnectionListener.CloseReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns TCP segments into ordered byte streams, one per connection and direction, and hands them to a
 * {@link ConnectionListener}. Out-of-order segments are held (copied) until the hole before them fills;
 * retransmitted and overlapping bytes are delivered once. Held bytes are bounded per direction and in total: past
 * a bound the stream gives up on the hole, reports a gap and skips ahead. Sequence numbers are unwrapped to 64 bits
 * relative to the next expected byte, so a stream may cross the 2^32 wrap.
 */
public final class TcpReassembler {

    private static final long CLOSED_LINGER_MICROS = 30_000_000L;

    private final ConnectionListenerFactory factory;
    private final ReassemblyLimits limits;
    private final Map<ConnectionKey, Connection> connections = new HashMap<>();
    private final FlowIds flowIds;
    private long bufferedTotal;
    private long gaps;

    public TcpReassembler(ConnectionListenerFactory factory, ReassemblyLimits limits) {
        this(factory, limits, new FlowIds());
    }

    /** @param flowIds numbers shared with the UDP flows of the same capture */
    public TcpReassembler(ConnectionListenerFactory factory, ReassemblyLimits limits, FlowIds flowIds) {
        this.factory = factory;
        this.limits = limits;
        this.flowIds = flowIds;
    }

    public void accept(TcpSegment s, long frame, long ts) {
        ConnectionKey key = ConnectionKey.of(s);
        Connection conn = connections.get(key);
        boolean syn = s.has(TcpSegment.SYN);
        boolean ack = s.has(TcpSegment.ACK);
        if (conn != null && conn.closed) {
            if (!(syn && !ack)) {
                conn.lastSeen = ts; // a late retransmission or ACK of a finished connection
                return;
            }
            connections.remove(key); // the 4-tuple is reused by a new connection
            conn = null;
        }
        if (conn != null && syn && !ack) {
            Half half = conn.half(conn.directionOf(s));
            if (!half.synSeen || half.isn != (s.seq & 0xffffffffL)) {
                close(conn, CloseReason.IDLE, frame, ts); // a new connection on the same ports
                connections.remove(key);
                conn = null;
            }
        }
        if (conn == null) {
            if (s.has(TcpSegment.RST) || (!syn && !s.has(TcpSegment.FIN) && s.wirePayloadLength == 0)) {
                return; // nothing to show for a bare ACK or RST of a connection we never saw
            }
            conn = open(key, s, syn, ack, frame, ts);
        }
        conn.lastSeen = ts;
        Direction dir = conn.directionOf(s);
        Half half = conn.half(dir);
        if (s.has(TcpSegment.RST)) {
            close(conn, CloseReason.RST, frame, ts);
            return;
        }
        long seq32 = s.seq & 0xffffffffL;
        if (syn) {
            half.synSeen = true;
            half.isn = seq32;
            if (!half.started) {
                half.started = true;
                half.next = seq32 + 1;
            }
            seq32 = (seq32 + 1) & 0xffffffffL;
        }
        if (!half.started) {
            half.started = true; // picked up mid-stream: the first byte we see is where the stream starts
            half.next = seq32;
        }
        long start = half.unwrap(seq32);
        if (s.wirePayloadLength > 0) {
            data(conn, dir, half, s, start, frame, ts);
        }
        if (s.has(TcpSegment.FIN)) {
            half.finSeen = true;
            half.finAt = start + s.wirePayloadLength;
        }
        if (half.finSeen && half.next >= half.finAt && !half.finished) {
            half.finished = true;
            Half other = conn.half(dir.reverse());
            if (other.finished) {
                close(conn, CloseReason.FIN, frame, ts);
            }
        }
    }

    private Connection open(ConnectionKey key, TcpSegment s, boolean syn, boolean ack, long frame, long ts) {
        boolean sourceIsClient;
        if (syn) {
            sourceIsClient = !ack;
        } else {
            // Mid-stream: servers listen on the lower, well-known port; clients use high ephemeral ports.
            sourceIsClient = s.srcPort > s.dstPort || (s.srcPort == s.dstPort);
        }
        Endpoint src = s.source();
        Endpoint dst = s.destination();
        int id = flowIds.next();
        Flow flow = sourceIsClient ? new Flow(id, src, dst) : new Flow(id, dst, src);
        Connection conn = new Connection(flow, sourceIsClient ? s.srcHi : s.dstHi,
                sourceIsClient ? s.srcLo : s.dstLo, sourceIsClient ? s.srcPort : s.dstPort);
        conn.listener = factory.open(flow, frame, ts);
        connections.put(key, conn);
        return conn;
    }

    private void data(Connection conn, Direction dir, Half half, TcpSegment s, long start, long frame, long ts) {
        long end = start + s.wirePayloadLength;
        if (end <= half.next) {
            return; // retransmission of bytes already delivered
        }
        if (start <= half.next) {
            deliver(conn, dir, half, s.data, s.payloadOffset, s.payloadLength, s.wirePayloadLength, start, frame, ts);
            drain(conn, dir, half);
            return;
        }
        int length = s.wirePayloadLength;
        if (half.buffered + length > limits.maxBufferedPerDirection()
                || bufferedTotal + length > limits.maxBufferedTotal()) {
            // Give up on the hole: what is held goes out with gaps, then this segment.
            flushWithGaps(conn, dir, half, frame, ts);
            if (start > half.next) {
                gap(conn, dir, start - half.next, frame, ts);
                half.next = start;
            }
            deliver(conn, dir, half, s.data, s.payloadOffset, s.payloadLength, s.wirePayloadLength, start, frame, ts);
            drain(conn, dir, half);
            return;
        }
        Pending existing = half.pending.get(start);
        if (existing != null && existing.wireLength >= length) {
            return;
        }
        byte[] copy = new byte[s.payloadLength];
        System.arraycopy(s.data, s.payloadOffset, copy, 0, s.payloadLength);
        Pending p = new Pending(start, copy, s.wirePayloadLength, frame, ts);
        if (existing != null) {
            half.buffered -= existing.data.length;
            bufferedTotal -= existing.data.length;
        }
        half.pending.put(start, p);
        half.buffered += copy.length;
        bufferedTotal += copy.length;
    }

    /** Delivers the part of [start, start+wire) past half.next; bytes cut by the snap length become a gap. */
    private void deliver(Connection conn, Direction dir, Half half, byte[] data, int offset, int captured, int wire,
                         long start, long frame, long ts) {
        long skip = half.next - start;
        if (skip < captured) {
            int from = (int) Math.max(0, skip);
            conn.listener.onData(dir, data, offset + from, captured - from, frame, ts);
        }
        long end = start + wire;
        long capturedEnd = start + captured;
        if (capturedEnd < end) {
            gap(conn, dir, end - Math.max(capturedEnd, half.next), frame, ts);
        }
        half.next = Math.max(half.next, end);
    }

    private void drain(Connection conn, Direction dir, Half half) {
        while (!half.pending.isEmpty()) {
            Map.Entry<Long, Pending> first = half.pending.firstEntry();
            Pending p = first.getValue();
            if (p.seq > half.next) {
                return;
            }
            release(half, p);
            if (p.seq + p.wireLength > half.next) {
                deliver(conn, dir, half, p.data, 0, p.data.length, p.wireLength, p.seq, p.frame, p.ts);
            }
        }
    }

    private void flushWithGaps(Connection conn, Direction dir, Half half, long frame, long ts) {
        while (!half.pending.isEmpty()) {
            Pending p = half.pending.firstEntry().getValue();
            if (p.seq > half.next) {
                gap(conn, dir, p.seq - half.next, p.frame, p.ts);
                half.next = p.seq;
            }
            drain(conn, dir, half);
        }
    }

    private void release(Half half, Pending p) {
        half.pending.remove(p.seq);
        half.buffered -= p.data.length;
        bufferedTotal -= p.data.length;
    }

    private void gap(Connection conn, Direction dir, long missing, long frame, long ts) {
        if (missing > 0) {
            gaps++;
            conn.listener.onGap(dir, missing, frame, ts);
        }
    }

    private void close(Connection conn, CloseReason reason, long frame, long ts) {
        if (conn.closed) {
            return;
        }
        for (Direction dir : Direction.values()) {
            Half half = conn.half(dir);
            flushWithGaps(conn, dir, half, frame, ts);
            if (half.finSeen && half.finAt > half.next && reason != CloseReason.RST) {
                gap(conn, dir, half.finAt - half.next, frame, ts);
                half.next = half.finAt;
            }
        }
        conn.closed = true;
        conn.listener.onClose(reason, frame, ts);
    }

    /** Closes connections idle for longer than the limit, and forgets finished ones after a short linger. */
    public void expireIdle(long nowMicros) {
        Iterator<Connection> it = connections.values().iterator();
        List<Connection> expired = new ArrayList<>();
        while (it.hasNext()) {
            Connection conn = it.next();
            long idle = nowMicros - conn.lastSeen;
            if (conn.closed ? idle > CLOSED_LINGER_MICROS : idle > limits.idleTimeoutMicros()) {
                it.remove();
                if (!conn.closed) {
                    expired.add(conn);
                }
            }
        }
        expired.sort(Comparator.comparingInt(c -> c.flow.id()));
        for (Connection conn : expired) {
            close(conn, CloseReason.IDLE, 0, nowMicros);
        }
    }

    /** The capture ended: every open connection delivers what it holds and closes, in the order first seen. */
    public void finish(long frame, long ts) {
        List<Connection> open = new ArrayList<>();
        for (Connection conn : connections.values()) {
            if (!conn.closed) {
                open.add(conn);
            }
        }
        open.sort(Comparator.comparingInt(c -> c.flow.id()));
        for (Connection conn : open) {
            close(conn, CloseReason.END_OF_CAPTURE, frame, ts);
        }
        connections.clear();
    }

    /** Flows numbered so far, TCP and (when the numbers are shared) UDP. */
    public int connectionsSeen() {
        return flowIds.issued();
    }

    public int connectionsTracked() {
        return connections.size();
    }

    public long bufferedBytes() {
        return bufferedTotal;
    }

    public long gaps() {
        return gaps;
    }

    private static final class Connection {
        final Flow flow;
        final long clientHi;
        final long clientLo;
        final int clientPort;
        final Half toServer = new Half();
        final Half toClient = new Half();
        ConnectionListener listener;
        long lastSeen;
        boolean closed;

        Connection(Flow flow, long clientHi, long clientLo, int clientPort) {
            this.flow = flow;
            this.clientHi = clientHi;
            this.clientLo = clientLo;
            this.clientPort = clientPort;
        }

        Direction directionOf(TcpSegment s) {
            return s.sentFrom(clientHi, clientLo, clientPort) ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        }

        Half half(Direction dir) {
            return dir == Direction.CLIENT_TO_SERVER ? toServer : toClient;
        }
    }

    private static final class Half {
        boolean started;
        boolean synSeen;
        long isn;
        /** The next byte to deliver, as a 64-bit unwrapped sequence number. */
        long next;
        boolean finSeen;
        long finAt;
        boolean finished;
        final TreeMap<Long, Pending> pending = new TreeMap<>();
        long buffered;

        long unwrap(long seq32) {
            return next + (int) (seq32 - (next & 0xffffffffL));
        }
    }

    private record Pending(long seq, byte[] data, int wireLength, long frame, long ts) {
    }
}
