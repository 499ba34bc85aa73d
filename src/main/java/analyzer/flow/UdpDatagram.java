package analyzer.flow;

/** One UDP datagram as decoded from a frame. Mutable and reused by the decoder for every frame. */
public final class UdpDatagram extends IpPacket {

    /** Builds a datagram by hand (tests, synthesised traffic). */
    public static UdpDatagram of(Endpoint source, Endpoint destination, byte[] payload) {
        UdpDatagram d = new UdpDatagram();
        d.fill(source, destination, payload);
        return d;
    }
}
