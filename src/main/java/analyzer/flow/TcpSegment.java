package analyzer.flow;

/**
 * One TCP segment as decoded from a frame. Mutable and reused by the decoder for every frame, so the hot path
 * allocates nothing; the reassembler copies what it keeps.
 */
public final class TcpSegment extends IpPacket {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    int seq;
    int ack;
    int flags;

    public long seq() {
        return seq & 0xffffffffL;
    }

    public long ack() {
        return ack & 0xffffffffL;
    }

    public int flags() {
        return flags;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Builds a segment by hand (tests, synthesised traffic). */
    public static TcpSegment of(Endpoint source, Endpoint destination, long seq, long ack, int flags, byte[] payload) {
        TcpSegment s = new TcpSegment();
        s.fill(source, destination, payload);
        s.seq = (int) seq;
        s.ack = (int) ack;
        s.flags = flags;
        return s;
    }
}
