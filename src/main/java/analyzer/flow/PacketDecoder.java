package analyzer.flow;

/**
 * Decodes link, IP and TCP headers straight from the captured bytes into a reused {@link TcpSegment}. This is the
 * hot path of reading a capture, which is why it does not build pcap4j Packet objects.
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

    private final int linkType;
    private final TcpSegment segment = new TcpSegment();

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
        int len = Math.min(length, d.length);
        switch (linkType) {
            case DLT_EN10MB -> {
                if (len < 14) {
                    return null;
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
                return len < 16 ? null : byEtherType(u16(d, 14), d, 16, len);
            }
            case DLT_LINUX_SLL2 -> {
                return len < 20 ? null : byEtherType(u16(d, 0), d, 20, len);
            }
            case DLT_NULL, DLT_LOOP -> {
                // The 4-byte address family is in host byte order for NULL and its value for IPv6 differs by OS:
                // the IP version nibble is the reliable guide.
                return len < 5 ? null : byVersion(d, 4, len);
            }
            default -> {
                return byVersion(d, 0, len);
            }
        }
    }

    private TcpSegment byEtherType(int type, byte[] d, int offset, int len) {
        if (type == ETHERTYPE_IPV4) {
            return ipv4(d, offset, len);
        }
        if (type == ETHERTYPE_IPV6) {
            return ipv6(d, offset, len);
        }
        return null;
    }

    private TcpSegment byVersion(byte[] d, int offset, int len) {
        if (offset >= len) {
            return null;
        }
        int version = (d[offset] & 0xff) >> 4;
        if (version == 4) {
            return ipv4(d, offset, len);
        }
        if (version == 6) {
            return ipv6(d, offset, len);
        }
        return null;
    }

    private TcpSegment ipv4(byte[] d, int ip, int len) {
        if (ip + 20 > len || (d[ip] & 0xff) >> 4 != 4) {
            return null;
        }
        int ihl = (d[ip] & 0x0f) * 4;
        if (ihl < 20 || d[ip + 9] != PROTO_TCP) {
            return null;
        }
        int fragment = u16(d, ip + 6);
        if ((fragment & 0x3fff) != 0) {
            return null; // more-fragments set or a later fragment: not a whole TCP segment
        }
        int total = u16(d, ip + 2);
        int ipEndOnWire = total == 0 ? len : ip + total; // 0 happens with segmentation offload
        TcpSegment s = segment;
        s.ipv6 = false;
        s.srcHi = 0;
        s.dstHi = 0;
        s.srcLo = (1L << 32) | (u32(d, ip + 12) & 0xffffffffL);
        s.dstLo = (1L << 32) | (u32(d, ip + 16) & 0xffffffffL);
        return tcp(d, ip + ihl, ipEndOnWire, len);
    }

    private TcpSegment ipv6(byte[] d, int ip, int len) {
        if (ip + 40 > len || (d[ip] & 0xff) >> 4 != 6) {
            return null;
        }
        int payloadLength = u16(d, ip + 4);
        int next = d[ip + 6] & 0xff;
        int offset = ip + 40;
        int ipEndOnWire = payloadLength == 0 ? len : offset + payloadLength;
        while (next != PROTO_TCP) {
            if (offset + 8 > len) {
                return null;
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
                        return null;
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
                    return null;
                }
            }
        }
        TcpSegment s = segment;
        s.ipv6 = true;
        s.srcHi = u64(d, ip + 8);
        s.srcLo = u64(d, ip + 16);
        s.dstHi = u64(d, ip + 24);
        s.dstLo = u64(d, ip + 32);
        return tcp(d, offset, ipEndOnWire, len);
    }

    private TcpSegment tcp(byte[] d, int t, int ipEndOnWire, int len) {
        if (t + 20 > len) {
            return null;
        }
        int headerLength = ((d[t + 12] & 0xff) >> 4) * 4;
        if (headerLength < 20) {
            return null;
        }
        TcpSegment s = segment;
        s.srcPort = u16(d, t);
        s.dstPort = u16(d, t + 2);
        s.seq = u32(d, t + 4);
        s.ack = u32(d, t + 8);
        s.flags = d[t + 13] & 0x3f;
        int payloadStart = t + headerLength;
        int wire = Math.max(0, ipEndOnWire - payloadStart);
        int captured = Math.max(0, Math.min(ipEndOnWire, len) - payloadStart);
        s.data = d;
        s.payloadOffset = Math.min(payloadStart, len);
        s.payloadLength = captured;
        s.wirePayloadLength = Math.max(wire, captured);
        return s;
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
