package analyzer.flow;

import analyzer.capture.PacketHandler;

/** The wire side of the sniffer: frames are decoded and their TCP segments reassembled into streams. */
public final class TcpPipeline implements PacketHandler {

    private static final long EXPIRY_INTERVAL_MICROS = 1_000_000L;

    private final PacketDecoder decoder;
    private final TcpReassembler reassembler;
    private long packets;
    private long bytes;
    private long tcpSegments;
    private long lastFrame;
    private long lastTimestamp;
    private long nextExpiry = Long.MIN_VALUE;

    public TcpPipeline(int linkType, ConnectionListenerFactory factory, ReassemblyLimits limits) {
        this.decoder = new PacketDecoder(linkType);
        this.reassembler = new TcpReassembler(factory, limits);
    }

    @Override
    public void onPacket(long frameNumber, long timestampMicros, byte[] data, int capturedLength, int originalLength) {
        packets++;
        bytes += originalLength;
        lastFrame = frameNumber;
        lastTimestamp = timestampMicros;
        TcpSegment segment = decoder.decode(data, capturedLength);
        if (segment != null) {
            tcpSegments++;
            reassembler.accept(segment, frameNumber, timestampMicros);
        }
        if (timestampMicros >= nextExpiry) {
            if (nextExpiry != Long.MIN_VALUE) {
                reassembler.expireIdle(timestampMicros);
            }
            nextExpiry = timestampMicros + EXPIRY_INTERVAL_MICROS;
        }
    }

    /** Ends the run: every open stream is flushed and closed. */
    public void finish() {
        reassembler.finish(lastFrame, lastTimestamp);
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

    public int connections() {
        return reassembler.connectionsSeen();
    }

    public long gaps() {
        return reassembler.gaps();
    }
}
