package analyzer.flow;

import analyzer.flow.ConnectionListener.CloseReason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns TCP segments into ordered byte streams, one per connection and direction, and hands them to a
 * {@link ConnectionListener}. Out-of-order segments are held (copied) until the hole before them fills;
 * retransmitted and overlapping bytes are delivered once. Held bytes are bounded per direction and in total: past
 * a bound the stream gives up on the hole, reports a gap and skips ahead. Sequence numbers are unwrapped to 64 bits
 * relative to the next expected byte, so a stream may cross the 2^32 wrap.
 *
 * <p>The connections tracked are bounded in number and in the memory they hold (each one's own footprint, the
 * bytes it holds out of order, and what its listener says it holds): past a bound the connection idle longest is
 * closed early ("evicted"), finished connections first, then those that never carried a byte (a SYN flood
 * fills only those), then the others. Each kind waits in a queue of its own in the order it was last active, so
 * finding the one to evict, and expiring idle ones, costs nothing per packet beyond moving the connection to the
 * end of its queue.
 */
public final class TcpReassembler {

    private static final long CLOSED_LINGER_MICROS = 30_000_000L;
    /**
     * Heap one tracked connection takes in this class with nothing buffered: the connection and its two halves,
     * its key and table entry, its flow and endpoints. Measured, with a margin (ConnectionFloodTest checks that the
     * table counts at least the heap its connections take).
     */
    static final int CONNECTION_FOOTPRINT = 560;
    /** Heap one held out-of-order segment takes beyond its bytes: the tree entry, the record, the array header. */
    static final int PENDING_FOOTPRINT = 112;

    private final ConnectionListenerFactory factory;
    private final ReassemblyLimits limits;
    private final Map<ConnectionKey, Connection> connections = new HashMap<>();
    /** Closed, kept a while so late retransmissions are recognised as such. */
    private final ConnectionQueue finished = new ConnectionQueue();
    /** Open, no payload seen yet. */
    private final ConnectionQueue quiet = new ConnectionQueue();
    /** Open, payload seen. */
    private final ConnectionQueue active = new ConnectionQueue();
    private final FlowIds flowIds;
    private long bufferedTotal;
    private long footprint;
    private long gaps;
    private long evicted;

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
        Connection conn = segment(s, frame, ts);
        if (conn == null) {
            return;
        }
        conn.lastSeen = ts;
        ConnectionQueue queue = queueOf(conn);
        if (conn.queue != queue || queue.tail != conn) {
            conn.queue.remove(conn);
            queue.add(conn);
        }
        if (conn.changed) {
            conn.changed = false;
            account(conn);
            if (footprint > limits.maxTrackedBytes() || connections.size() > limits.maxConnections()) {
                evictFor(conn, frame, ts);
            }
        }
    }

    /** Reads one segment; returns the connection it belongs to, if one is (still) tracked. */
    private Connection segment(TcpSegment s, long frame, long ts) {
        ConnectionKey key = ConnectionKey.of(s);
        Connection conn = connections.get(key);
        boolean syn = s.has(TcpSegment.SYN);
        boolean ack = s.has(TcpSegment.ACK);
        if (conn != null && conn.closed) {
            if (!(syn && !ack)) {
                return conn; // a late retransmission or ACK of a finished connection
            }
            forget(conn); // the 4-tuple is reused by a new connection
            conn = null;
        }
        if (conn != null && syn && !ack) {
            Half half = conn.half(conn.directionOf(s));
            if (!half.synSeen || half.isn != (s.seq & 0xffffffffL)) {
                close(conn, CloseReason.IDLE, frame, ts); // a new connection on the same ports
                forget(conn);
                conn = null;
            }
        }
        if (conn == null) {
            if (s.has(TcpSegment.RST) || (!syn && !s.has(TcpSegment.FIN) && s.wirePayloadLength == 0)) {
                return null; // nothing to show for a bare ACK or RST of a connection we never saw
            }
            conn = open(key, s, syn, ack, frame, ts);
        }
        Direction dir = conn.directionOf(s);
        Half half = conn.half(dir);
        if (s.has(TcpSegment.RST)) {
            close(conn, CloseReason.RST, frame, ts);
            return conn;
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
        return conn;
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
        Connection conn = new Connection(key, flow, sourceIsClient ? s.srcHi : s.dstHi,
                sourceIsClient ? s.srcLo : s.dstLo, sourceIsClient ? s.srcPort : s.dstPort);
        conn.listener = factory.open(flow, frame, ts);
        connections.put(key, conn);
        quiet.add(conn);
        conn.changed = true;
        return conn;
    }

    private ConnectionQueue queueOf(Connection conn) {
        return conn.closed ? finished : conn.carriedPayload ? active : quiet;
    }

    /** Brings the connection's footprint up to date: what it holds here and what its listener holds. */
    private void account(Connection conn) {
        long now = CONNECTION_FOOTPRINT + conn.toServer.held() + conn.toClient.held();
        if (conn.listener != null) {
            now += conn.listener.retainedBytes();
        }
        footprint += now - conn.footprint;
        conn.footprint = now;
    }

    /**
     * Over a bound: closes the connections idle longest until the table is back under it — finished ones first,
     * then those without payload, then the others — never the one this segment belongs to.
     */
    private void evictFor(Connection current, long frame, long ts) {
        while (footprint > limits.maxTrackedBytes() || connections.size() > limits.maxConnections()) {
            Connection victim = finished.firstOtherThan(current);
            if (victim == null) {
                victim = quiet.firstOtherThan(current);
            }
            if (victim == null) {
                victim = active.firstOtherThan(current);
            }
            if (victim == null) {
                return; // the connection being read is the only one left
            }
            if (!victim.closed) {
                evicted++;
                close(victim, CloseReason.EVICTED, frame, ts);
            }
            forget(victim);
        }
    }

    /** Drops a connection from the table (closed or replaced). */
    private void forget(Connection conn) {
        connections.remove(conn.key);
        conn.queue.remove(conn);
        footprint -= conn.footprint;
        conn.footprint = 0;
    }

    private void data(Connection conn, Direction dir, Half half, TcpSegment s, long start, long frame, long ts) {
        conn.carriedPayload = true;
        conn.changed = true;
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
        if (half.pending == null) {
            half.pending = new TreeMap<>();
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
        while (half.pending != null && !half.pending.isEmpty()) {
            Pending p = half.pending.firstEntry().getValue();
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
        while (half.pending != null && !half.pending.isEmpty()) {
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
            conn.changed = true;
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
            half.pending = null;
        }
        conn.closed = true;
        conn.changed = true;
        ConnectionListener listener = conn.listener;
        // A finished connection lingers a while; what its dissector held need not linger with it.
        conn.listener = null;
        listener.onClose(reason, frame, ts);
    }

    /** Closes connections idle for longer than the limit, and forgets finished ones after a short linger. */
    public void expireIdle(long nowMicros) {
        while (finished.head != null && nowMicros - finished.head.lastSeen > CLOSED_LINGER_MICROS) {
            forget(finished.head);
        }
        List<Connection> expired = new ArrayList<>();
        for (ConnectionQueue queue : new ConnectionQueue[] {quiet, active}) {
            // Each queue is in the order of last activity: the first one still active ends the walk.
            for (Connection c = queue.head; c != null && nowMicros - c.lastSeen > limits.idleTimeoutMicros();
                    c = c.next) {
                expired.add(c);
            }
        }
        expired.sort(Comparator.comparingInt(c -> c.flow.id()));
        for (Connection conn : expired) {
            close(conn, CloseReason.IDLE, 0, nowMicros);
            forget(conn);
        }
    }

    /** The capture ended: every open connection delivers what it holds and closes, in the order first seen. */
    public void finish(long frame, long ts) {
        List<Connection> open = new ArrayList<>();
        for (ConnectionQueue queue : new ConnectionQueue[] {quiet, active}) {
            for (Connection c = queue.head; c != null; c = c.next) {
                open.add(c);
            }
        }
        open.sort(Comparator.comparingInt(c -> c.flow.id()));
        for (Connection conn : open) {
            close(conn, CloseReason.END_OF_CAPTURE, frame, ts);
        }
        connections.clear();
        finished.clear();
        quiet.clear();
        active.clear();
        footprint = 0;
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

    /** The memory the connection table accounts for: see {@link ReassemblyLimits#maxTrackedBytes()}. */
    public long trackedBytes() {
        return footprint;
    }

    public long gaps() {
        return gaps;
    }

    /** Open connections closed early to keep the table within its bounds. */
    public long evicted() {
        return evicted;
    }

    private static final class Connection {
        final ConnectionKey key;
        final Flow flow;
        final long clientHi;
        final long clientLo;
        final int clientPort;
        final Half toServer = new Half();
        final Half toClient = new Half();
        /** Null once closed. */
        ConnectionListener listener;
        long lastSeen;
        boolean closed;
        boolean carriedPayload;
        /** Something this segment did may have changed its footprint. */
        boolean changed;
        long footprint;
        ConnectionQueue queue;
        Connection previous;
        Connection next;

        Connection(ConnectionKey key, Flow flow, long clientHi, long clientLo, int clientPort) {
            this.key = key;
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
        /** Segments past a hole, by their unwrapped sequence number; made when first needed. */
        TreeMap<Long, Pending> pending;
        long buffered;

        long unwrap(long seq32) {
            return next + (int) (seq32 - (next & 0xffffffffL));
        }

        /** Heap the held segments take. */
        long held() {
            return pending == null ? 0 : buffered + (long) pending.size() * PENDING_FOOTPRINT;
        }
    }

    private record Pending(long seq, byte[] data, int wireLength, long frame, long ts) {
    }

    /** Connections in the order they were last active, the one idle longest first; linked through themselves. */
    private static final class ConnectionQueue {
        Connection head;
        Connection tail;

        void add(Connection c) {
            c.queue = this;
            c.previous = tail;
            c.next = null;
            if (tail == null) {
                head = c;
            } else {
                tail.next = c;
            }
            tail = c;
        }

        void remove(Connection c) {
            if (c.previous == null) {
                head = c.next;
            } else {
                c.previous.next = c.next;
            }
            if (c.next == null) {
                tail = c.previous;
            } else {
                c.next.previous = c.previous;
            }
            c.previous = null;
            c.next = null;
            c.queue = null;
        }

        Connection firstOtherThan(Connection c) {
            return head != c ? head : c.next;
        }

        void clear() {
            head = null;
            tail = null;
        }
    }
}
