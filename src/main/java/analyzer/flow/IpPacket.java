package analyzer.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What a TCP segment and a UDP datagram share once decoded: addresses, ports and where the payload lies in the
 * frame. Addresses are held as two longs (IPv4 in the low word with a marker bit) so flow lookups need no
 * InetAddress. Mutable and reused by the decoder for every frame.
 */
public abstract sealed class IpPacket permits TcpSegment, UdpDatagram {

    boolean ipv6;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int srcPort;
    int dstPort;
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
            return new Endpoint(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4- or 16-byte arrays
        }
    }

    /** Whether this packet was sent from the given address and port (as packed here). */
    boolean sentFrom(long hi, long lo, int port) {
        return srcPort == port && srcLo == lo && srcHi == hi;
    }

    /** Sets addresses, ports and payload by hand (tests, synthesised traffic). */
    void fill(Endpoint source, Endpoint destination, byte[] payload) {
        byte[] src = source.address().getAddress();
        byte[] dst = destination.address().getAddress();
        if (src.length != dst.length) {
            throw new IllegalArgumentException("source and destination must both be IPv4 or both IPv6");
        }
        ipv6 = src.length == 16;
        long[] a = pack(src);
        long[] b = pack(dst);
        srcHi = a[0];
        srcLo = a[1];
        dstHi = b[0];
        dstLo = b[1];
        srcPort = source.port();
        dstPort = destination.port();
        data = payload;
        payloadOffset = 0;
        payloadLength = payload.length;
        wirePayloadLength = payload.length;
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
