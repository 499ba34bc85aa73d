package analyzer.flow;

/**
 * One TCP segment as decoded from a frame. Mutable and reused by the decoder for every frame, so the hot path
 * allocates nothing; the reassembler copies what it keeps. Addresses are held as two longs (IPv4 in the low word
 * with a marker bit) so connection lookups need no InetAddress.
 */
public final class TcpSegment {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    boolean ipv6;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    byte[] data;
    int payloadOffset;
    /** Payload bytes present in the frame. */
    int payloadLength;
    /** Payload bytes the IP header says were sent; more than payloadLength when the snap length cut the frame. */
    int wirePayloadLength;

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

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

    public boolean ipv6() {
        return ipv6;
    }

    public byte[] data() {
        return data;
    }

    public int payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int wirePayloadLength() {
        return wirePayloadLength;
    }

    public Endpoint source() {
        return endpoint(srcHi, srcLo, srcPort);
    }

    public Endpoint destination() {
        return endpoint(dstHi, dstLo, dstPort);
    }

    private Endpoint endpoint(long hi, long lo, int port) {
        try {
            byte[] address;
            if (ipv6) {
                address = new byte[16];
                for (int i = 0; i < 8; i++) {
                    address[i] = (byte) (hi >>> (56 - 8 * i));
                    address[8 + i] = (byte) (lo >>> (56 - 8 * i));
                }
            } else {
                address = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
            }
            return new Endpoint(java.net.InetAddress.getByAddress(address), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4- or 16-byte arrays
        }
    }

    /** Builds a segment by hand (tests, synthesised traffic). */
    public static TcpSegment of(Endpoint source, Endpoint destination, long seq, long ack, int flags, byte[] payload) {
        TcpSegment s = new TcpSegment();
        byte[] src = source.address().getAddress();
        byte[] dst = destination.address().getAddress();
        if (src.length != dst.length) {
            throw new IllegalArgumentException("source and destination must both be IPv4 or both IPv6");
        }
        s.ipv6 = src.length == 16;
        long[] a = pack(src);
        long[] b = pack(dst);
        s.srcHi = a[0];
        s.srcLo = a[1];
        s.dstHi = b[0];
        s.dstLo = b[1];
        s.srcPort = source.port();
        s.dstPort = destination.port();
        s.seq = (int) seq;
        s.ack = (int) ack;
        s.flags = flags;
        s.data = payload;
        s.payloadOffset = 0;
        s.payloadLength = payload.length;
        s.wirePayloadLength = payload.length;
        return s;
    }

    static long[] pack(byte[] address) {
        long hi = 0;
        long lo = 0;
        if (address.length == 4) {
            lo = (1L << 32) | ((address[0] & 0xffL) << 24) | ((address[1] & 0xffL) << 16) | ((address[2] & 0xffL) << 8)
                    | (address[3] & 0xffL);
        } else {
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (address[i] & 0xffL);
                lo = (lo << 8) | (address[8 + i] & 0xffL);
            }
        }
        return new long[] {hi, lo};
    }
}
