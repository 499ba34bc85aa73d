package analyzer.flow;

import analyzer.capture.PacketHandler;

/**
 * The wire side of the sniffer: frames are decoded, TCP segments reassembled into streams and UDP datagrams grouped
 * into flows, both handed to listeners from the same factory and numbered in one sequence.
 */
public final class PacketPipeline implements PacketHandler {

    private static final long EXPIRY_INTERVAL_MICROS = 1_000_000L;

    private final PacketDecoder decoder;
    private final TcpReassembler reassembler;
    private final UdpFlows udp;
    private final ReassemblyLimits limits;
    private final int udpMaxFlows = UdpFlows.DEFAULT_MAX_FLOWS;
    private final FlowIds flowIds = new FlowIds();
    private long packets;
    private long bytes;
    private long tcpSegments;
    private long lastFrame;
    private long lastTimestamp;
    private long nextExpiry = Long.MIN_VALUE;

    public PacketPipeline(int linkType, ConnectionListenerFactory factory, ReassemblyLimits limits) {
        this.decoder = new PacketDecoder(linkType);
        this.limits = limits;
        this.reassembler = new TcpReassembler(factory, limits, flowIds);
        this.udp = new UdpFlows(factory, flowIds, udpMaxFlows, limits.idleTimeoutMicros());
    }

    @Override
    public void onPacket(long frameNumber, long timestampMicros, byte[] data, int capturedLength, int originalLength) {
        packets++;
        bytes += originalLength;
        lastFrame = frameNumber;
        lastTimestamp = timestampMicros;
        switch (decoder.decodeAny(data, capturedLength)) {
            case TCP -> {
                tcpSegments++;
                reassembler.accept(decoder.segment(), frameNumber, timestampMicros);
            }
            case UDP -> udp.accept(decoder.datagram(), frameNumber, timestampMicros);
            case OTHER -> { }
        }
        if (timestampMicros >= nextExpiry) {
            if (nextExpiry != Long.MIN_VALUE) {
                reassembler.expireIdle(timestampMicros);
                udp.expireIdle(timestampMicros);
            }
            nextExpiry = timestampMicros + EXPIRY_INTERVAL_MICROS;
        }
    }

    /** Ends the run: every open stream and flow is flushed and closed. */
    public void finish() {
        reassembler.finish(lastFrame, lastTimestamp);
        udp.finish(lastFrame, lastTimestamp);
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    public long tcpSegments() {
        return tcpSegments;
    }

    public long udpDatagrams() {
        return udp.datagrams();
    }

    /** TCP connections and UDP flows seen. */
    public int connections() {
        return flowIds.issued();
    }

    public long gaps() {
        return reassembler.gaps();
    }

    /** TCP connections and UDP flows closed early, the idlest first, to stay within the tracking limits. */
    public long evicted() {
        return reassembler.evicted() + udp.evicted();
    }

    /** "200 000 TCP connections and 96 MiB, 65 536 UDP flows": the limits {@link #evicted()} keeps to. */
    public String trackingLimits() {
        return limits.maxConnections() + " TCP connections and " + (limits.maxTrackedBytes() >> 20) + " MiB, "
                + udpMaxFlows + " UDP flows";
    }
}
