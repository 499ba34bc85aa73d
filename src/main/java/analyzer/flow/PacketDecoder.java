package analyzer.flow;

/**
 * Decodes link, IP and TCP or UDP headers straight from the captured bytes into a reused {@link TcpSegment} or
 * {@link UdpDatagram}. This is the hot path of reading a capture, which is why it does not build pcap4j Packet
 * objects.
 */
public final class PacketDecoder {

    public static final int DLT_NULL = 0;
    public static final int DLT_EN10MB = 1;
    public static final int DLT_RAW = 12;
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int LINKTYPE_RAW = 101;
    public static final int DLT_LOOP = 108;
    public static final int DLT_LINUX_SLL = 113;
    public static final int DLT_IPV4 = 228;
    public static final int DLT_IPV6 = 229;
    public static final int DLT_LINUX_SLL2 = 276;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    /** What {@link #decodeAny} found. */
    public enum Kind { TCP, UDP, OTHER }

    private final int linkType;
    private final TcpSegment segment = new TcpSegment();
    private final UdpDatagram datagram = new UdpDatagram();
    /** The IP addresses of the frame being decoded, copied into the segment or datagram once its kind is known. */
    private boolean ipv6;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;

    public PacketDecoder(int linkType) {
        if (!supports(linkType)) {
            throw new IllegalArgumentException("unsupported link type " + linkType);
        }
        this.linkType = linkType;
    }

    public static boolean supports(int linkType) {
        return switch (linkType) {
            case DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW, DLT_LOOP, DLT_LINUX_SLL, DLT_IPV4,
                    DLT_IPV6, DLT_LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /**
     * @return the segment (valid until the next call), or null when the frame is not TCP over IP, is an IP fragment,
     *         or is too short to hold the headers
     */
    public TcpSegment decode(byte[] d, int length) {
        return decodeAny(d, length) == Kind.TCP ? segment : null;
    }

    /**
     * Decodes a frame that may be TCP or UDP: {@link #segment()} or {@link #datagram()} then holds it, valid until
     * the next call. OTHER for anything else, an IP fragment, or a frame too short to hold the headers.
     */
    public Kind decodeAny(byte[] d, int length) {
        int len = Math.min(length, d.length);
        switch (linkType) {
            case DLT_EN10MB -> {
                if (len < 14) {
                    return Kind.OTHER;
                }
                int offset = 12;
                int type = u16(d, offset);
                offset += 2;
                while ((type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) && offset + 4 <= len) {
                    type = u16(d, offset + 2);
                    offset += 4;
                }
                return byEtherType(type, d, offset, len);
            }
            case DLT_LINUX_SLL -> {
                return len < 16 ? Kind.OTHER : byEtherType(u16(d, 14), d, 16, len);
            }
            case DLT_LINUX_SLL2 -> {
                return len < 20 ? Kind.OTHER : byEtherType(u16(d, 0), d, 20, len);
            }
            case DLT_NULL, DLT_LOOP -> {
                // The 4-byte address family is in host byte order for NULL and its value for IPv6 differs by OS:
                // the IP version nibble is the reliable guide.
                return len < 5 ? Kind.OTHER : byVersion(d, 4, len);
            }
            default -> {
                return byVersion(d, 0, len);
            }
        }
    }

    public TcpSegment segment() {
        return segment;
    }

    public UdpDatagram datagram() {
        return datagram;
    }

    private Kind byEtherType(int type, byte[] d, int offset, int len) {
        if (type == ETHERTYPE_IPV4) {
            return ipv4(d, offset, len);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(d, offset, len);
        }
        return Kind.OTHER;
    }

    private Kind byVersion(byte[] d, int offset, int len) {
        if (offset >= len) {
            return Kind.OTHER;
        }
        int version = (d[offset] & 0xff) >> 4;
        if (version == 4) {
            return ipv4(d, offset, len);
        }
        if (version == 6) {
            return ipv6(d, offset, len);
        }
        return Kind.OTHER;
    }

    private Kind ipv4(byte[] d, int ip, int len) {
        if (ip + 20 > len || (d[ip] & 0xff) >> 4 != 4) {
            return Kind.OTHER;
        }
        int ihl = (d[ip] & 0x0f) * 4;
        int protocol = d[ip + 9];
        if (ihl < 20 || (protocol != PROTO_TCP && protocol != PROTO_UDP)) {
            return Kind.OTHER;
        }
        int fragment = u16(d, ip + 6);
        if ((fragment & 0x3fff) != 0) {
            return Kind.OTHER; // more-fragments set or a later fragment: not a whole segment or datagram
        }
        int total = u16(d, ip + 2);
        int ipEndOnWire = total == 0 ? len : ip + total; // 0 happens with segmentation offload
        ipv6 = false;
        srcHi = 0;
        dstHi = 0;
        srcLo = (1L << 32) | (u32(d, ip + 12) & 0xffffffffL);
        dstLo = (1L << 32) | (u32(d, ip + 16) & 0xffffffffL);
        return protocol == PROTO_TCP ? tcp(d, ip + ihl, ipEndOnWire, len) : udp(d, ip + ihl, ipEndOnWire, len);
    }

    private Kind ipv6(byte[] d, int ip, int len) {
        if (ip + 40 > len || (d[ip] & 0xff) >> 4 != 6) {
            return Kind.OTHER;
        }
        int payloadLength = u16(d, ip + 4);
        int next = d[ip + 6] & 0xff;
        int offset = ip + 40;
        int ipEndOnWire = payloadLength == 0 ? len : offset + payloadLength;
        while (next != PROTO_TCP && next != PROTO_UDP) {
            if (offset + 8 > len) {
                return Kind.OTHER;
            }
            switch (next) {
                case 0, 43, 60 -> { // hop-by-hop, routing, destination options
                    int hdrLen = ((d[offset + 1] & 0xff) + 1) * 8;
                    next = d[offset] & 0xff;
                    offset += hdrLen;
                }
                case 44 -> { // fragment
                    int fragment = u16(d, offset + 2);
                    if ((fragment & 0xfff9) != 0) {
                        return Kind.OTHER;
                    }
                    next = d[offset] & 0xff;
                    offset += 8;
                }
                case 51 -> { // authentication header
                    int hdrLen = ((d[offset + 1] & 0xff) + 2) * 4;
                    next = d[offset] & 0xff;
                    offset += hdrLen;
                }
                default -> {
                    return Kind.OTHER;
                }
            }
        }
        ipv6 = true;
        srcHi = u64(d, ip + 8);
        srcLo = u64(d, ip + 16);
        dstHi = u64(d, ip + 24);
        dstLo = u64(d, ip + 32);
        return next == PROTO_TCP ? tcp(d, offset, ipEndOnWire, len) : udp(d, offset, ipEndOnWire, len);
    }

    private Kind tcp(byte[] d, int t, int ipEndOnWire, int len) {
        if (t + 20 > len) {
            return Kind.OTHER;
        }
        int headerLength = ((d[t + 12] & 0xff) >> 4) * 4;
        if (headerLength < 20) {
            return Kind.OTHER;
        }
        TcpSegment s = segment;
        s.seq = u32(d, t + 4);
        s.ack = u32(d, t + 8);
        s.flags = d[t + 13] & 0x3f;
        fill(s, d, t, t + headerLength, ipEndOnWire, len);
        return Kind.TCP;
    }

    private Kind udp(byte[] d, int u, int ipEndOnWire, int len) {
        if (u + 8 > len) {
            return Kind.OTHER;
        }
        // The UDP length field bounds the datagram when the IP length does not (0 with segmentation offload).
        int udpLength = u16(d, u + 4);
        int end = udpLength >= 8 ? Math.min(ipEndOnWire, u + udpLength) : ipEndOnWire;
        fill(datagram, d, u, u + 8, end, len);
        return Kind.UDP;
    }

    private void fill(IpPacket p, byte[] d, int transport, int payloadStart, int ipEndOnWire, int len) {
        p.ipv6 = ipv6;
        p.srcHi = srcHi;
        p.srcLo = srcLo;
        p.dstHi = dstHi;
        p.dstLo = dstLo;
        p.srcPort = u16(d, transport);
        p.dstPort = u16(d, transport + 2);
        int wire = Math.max(0, ipEndOnWire - payloadStart);
        int captured = Math.max(0, Math.min(ipEndOnWire, len) - payloadStart);
        p.data = d;
        p.payloadOffset = Math.min(payloadStart, len);
        p.payloadLength = captured;
        p.wirePayloadLength = Math.max(wire, captured);
    }

    private static int u16(byte[] d, int i) {
        return ((d[i] & 0xff) << 8) | (d[i + 1] & 0xff);
    }

    private static int u32(byte[] d, int i) {
        return ((d[i] & 0xff) << 24) | ((d[i + 1] & 0xff) << 16) | ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
    }

    private static long u64(byte[] d, int i) {
        return ((u32(d, i) & 0xffffffffL) << 32) | (u32(d, i + 4) & 0xffffffffL);
    }
}
