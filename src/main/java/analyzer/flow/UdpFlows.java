package analyzer.flow;

import analyzer.flow.ConnectionListener.CloseReason;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The datagram path beside TCP reassembly: groups UDP datagrams into flows by their 4-tuple and hands each datagram,
 * whole and in capture order, to the flow's {@link ConnectionListener} as one {@code onData} call (so datagram
 * boundaries survive). UDP has no close: a flow ends when idle past the limit or at the end of the capture. The
 * table is bounded: past {@code maxFlows} the flow idle longest is closed to make room (DNS from random ports makes
 * one flow per query).
 */
public final class UdpFlows {

    /** 2 minutes idle, as for TCP; 65 536 flows at a few hundred bytes each stay far under -Xmx256m. */
    public static final int DEFAULT_MAX_FLOWS = 65_536;

    private final ConnectionListenerFactory factory;
    private final FlowIds flowIds;
    private final int maxFlows;
    private final long idleTimeoutMicros;
    /** In access order: the eldest entry is the flow idle longest. */
    private final LinkedHashMap<ConnectionKey, UdpFlow> flows = new LinkedHashMap<>(64, 0.75f, true);
    private long datagrams;
    private long evicted;

    public UdpFlows(ConnectionListenerFactory factory, FlowIds flowIds, int maxFlows, long idleTimeoutMicros) {
        if (maxFlows < 1 || idleTimeoutMicros <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.factory = factory;
        this.flowIds = flowIds;
        this.maxFlows = maxFlows;
        this.idleTimeoutMicros = idleTimeoutMicros;
    }

    public void accept(UdpDatagram d, long frame, long ts) {
        datagrams++;
        ConnectionKey key = ConnectionKey.of(d);
        UdpFlow flow = flows.get(key);
        if (flow == null) {
            if (flows.size() >= maxFlows) {
                Iterator<UdpFlow> eldest = flows.values().iterator();
                UdpFlow victim = eldest.next();
                eldest.remove();
                evicted++;
                victim.listener.onClose(CloseReason.EVICTED, frame, ts);
            }
            flow = open(d, frame, ts);
            flows.put(key, flow);
        }
        flow.lastSeen = ts;
        Direction dir = flow.directionOf(d);
        if (d.payloadLength > 0) {
            flow.listener.onData(dir, d.data, d.payloadOffset, d.payloadLength, frame, ts);
        }
        if (d.wirePayloadLength > d.payloadLength) {
            flow.listener.onGap(dir, d.wirePayloadLength - d.payloadLength, frame, ts);
        }
    }

    private UdpFlow open(UdpDatagram d, long frame, long ts) {
        // The sender of the first datagram is the client, unless it answers from a well-known port to a port that is
        // not: a capture that began with a DNS answer.
        boolean sourceIsClient = !(d.srcPort < 1024 && d.dstPort >= 1024);
        Endpoint src = d.source();
        Endpoint dst = d.destination();
        int id = flowIds.next();
        Flow flow = sourceIsClient ? new Flow(id, src, dst, Flow.Transport.UDP)
                : new Flow(id, dst, src, Flow.Transport.UDP);
        UdpFlow f = new UdpFlow(sourceIsClient ? d.srcHi : d.dstHi, sourceIsClient ? d.srcLo : d.dstLo,
                sourceIsClient ? d.srcPort : d.dstPort);
        f.listener = factory.open(flow, frame, ts);
        return f;
    }

    /** Closes the flows idle for longer than the limit, in the order they went quiet. */
    public void expireIdle(long nowMicros) {
        List<UdpFlow> expired = new ArrayList<>();
        Iterator<UdpFlow> it = flows.values().iterator();
        while (it.hasNext()) {
            UdpFlow f = it.next();
            if (nowMicros - f.lastSeen <= idleTimeoutMicros) {
                break; // access order: every later flow was seen more recently
            }
            it.remove();
            expired.add(f);
        }
        for (UdpFlow f : expired) {
            f.listener.onClose(CloseReason.IDLE, 0, nowMicros);
        }
    }

    /** The capture ended: every flow closes, in the order they were last seen. */
    public void finish(long frame, long ts) {
        List<UdpFlow> open = new ArrayList<>(flows.values());
        flows.clear();
        for (UdpFlow f : open) {
            f.listener.onClose(CloseReason.END_OF_CAPTURE, frame, ts);
        }
    }

    public long datagrams() {
        return datagrams;
    }

    public int flowsTracked() {
        return flows.size();
    }

    /** Flows closed early to keep the table within its bound. */
    public long evicted() {
        return evicted;
    }

    private static final class UdpFlow {
        final long clientHi;
        final long clientLo;
        final int clientPort;
        ConnectionListener listener;
        long lastSeen;

        UdpFlow(long clientHi, long clientLo, int clientPort) {
            this.clientHi = clientHi;
            this.clientLo = clientLo;
            this.clientPort = clientPort;
        }

        Direction directionOf(UdpDatagram d) {
            return d.sentFrom(clientHi, clientLo, clientPort) ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
        }
    }
}
