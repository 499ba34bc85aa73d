package analyzer.flow;

import java.io.ByteArrayOutputStream;

/** Builds link + IP + TCP or UDP frames byte by byte, for decoder tests and synthetic captures. */
public final class FrameBuilder {

    private FrameBuilder() {
    }

    /** IPv4 + TCP packet (no link header). Addresses as 4 bytes. */
    public static byte[] ipv4Tcp(byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack, int flags,
                                 byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int total = 20 + 20 + payload.length;
        out.write(0x45);
        out.write(0);
        u16(out, total);
        u16(out, 0x1234);
        u16(out, 0x4000); // don't fragment
        out.write(64);
        out.write(6);
        u16(out, 0); // checksum not checked by readers of loopback captures
        out.write(src, 0, 4);
        out.write(dst, 0, 4);
        tcp(out, srcPort, dstPort, seq, ack, flags, payload);
        return out.toByteArray();
    }

    /** IPv4 + UDP packet (no link header). Addresses as 4 bytes. */
    public static byte[] ipv4Udp(byte[] src, byte[] dst, int srcPort, int dstPort, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x45);
        out.write(0);
        u16(out, 20 + 8 + payload.length);
        u16(out, 0x1234);
        u16(out, 0x4000);
        out.write(64);
        out.write(17);
        u16(out, 0);
        out.write(src, 0, 4);
        out.write(dst, 0, 4);
        u16(out, srcPort);
        u16(out, dstPort);
        u16(out, 8 + payload.length);
        u16(out, 0); // no checksum (allowed over IPv4)
        out.write(payload, 0, payload.length);
        return out.toByteArray();
    }

    public static byte[] ipv6Tcp(byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack, int flags,
                                 byte[] payload, boolean withHopByHop) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x60);
        out.write(0);
        u16(out, 0);
        int ext = withHopByHop ? 8 : 0;
        u16(out, ext + 20 + payload.length);
        out.write(withHopByHop ? 0 : 6);
        out.write(64);
        out.write(src, 0, 16);
        out.write(dst, 0, 16);
        if (withHopByHop) {
            out.write(6);
            out.write(0);
            out.write(new byte[6], 0, 6);
        }
        tcp(out, srcPort, dstPort, seq, ack, flags, payload);
        return out.toByteArray();
    }

    private static void tcp(ByteArrayOutputStream out, int srcPort, int dstPort, long seq, long ack, int flags,
                            byte[] payload) {
        u16(out, srcPort);
        u16(out, dstPort);
        u32(out, seq);
        u32(out, ack);
        out.write(5 << 4);
        out.write(flags);
        u16(out, 65535);
        u16(out, 0);
        u16(out, 0);
        out.write(payload, 0, payload.length);
    }

    public static byte[] ethernet(byte[] ip, boolean ipv6) {
        return concat(new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, ipv6 ? (byte) 0x86 : 0x08, ipv6 ? (byte) 0xdd : 0},
                ip);
    }

    public static byte[] sll(byte[] ip, boolean ipv6) {
        byte[] h = new byte[16];
        h[14] = ipv6 ? (byte) 0x86 : 0x08;
        h[15] = ipv6 ? (byte) 0xdd : 0;
        return concat(h, ip);
    }

    public static byte[] sll2(byte[] ip, boolean ipv6) {
        byte[] h = new byte[20];
        h[0] = ipv6 ? (byte) 0x86 : 0x08;
        h[1] = ipv6 ? (byte) 0xdd : 0;
        return concat(h, ip);
    }

    /** BSD loopback: 4-byte address family in host order (2 = AF_INET; AF_INET6 is 24, 28 or 30 by OS). */
    public static byte[] nullLink(byte[] ip, int family) {
        return concat(new byte[] {(byte) family, 0, 0, 0}, ip);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }

    private static void u32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >> 24));
        out.write((int) (v >> 16));
        out.write((int) (v >> 8));
        out.write((int) v);
    }
}
