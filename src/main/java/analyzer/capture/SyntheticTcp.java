package analyzer.capture;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Raw IP frames (LINKTYPE_RAW) carrying TCP segments, for writing bytes that were not captured off a wire — such as
 * what the proxy relayed — as a pcap that Wireshark and {@code analyzer read} open. IPv4 header checksums are
 * computed; TCP checksums are left zero (Wireshark does not verify them by default).
 */
public final class SyntheticTcp {

    public static final int SYN = 0x02;
    public static final int ACK = 0x10;
    public static final int PSH = 0x08;
    public static final int FIN = 0x01;
    /** The most payload put in one segment, so every frame fits an IPv4 total length. */
    public static final int MAX_PAYLOAD = 16 * 1024;

    private SyntheticTcp() {
    }

    public static byte[] segment(InetAddress src, int srcPort, InetAddress dst, int dstPort, long seq, long ack,
                                 int flags, byte[] payload, int offset, int length) {
        boolean v6 = src instanceof Inet6Address || dst instanceof Inet6Address;
        int ipHeader = v6 ? 40 : 20;
        byte[] f = new byte[ipHeader + 20 + length];
        byte[] s = v6 ? ipv6(src) : ipv4(src);
        byte[] d = v6 ? ipv6(dst) : ipv4(dst);
        if (v6) {
            f[0] = 0x60;
            u16(f, 4, 20 + length);
            f[6] = 6;
            f[7] = 64;
            System.arraycopy(s, 0, f, 8, 16);
            System.arraycopy(d, 0, f, 24, 16);
        } else {
            f[0] = 0x45;
            u16(f, 2, f.length);
            f[6] = 0x40;
            f[8] = 64;
            f[9] = 6;
            System.arraycopy(s, 0, f, 12, 4);
            System.arraycopy(d, 0, f, 16, 4);
            u16(f, 10, checksum(f, 0, 20));
        }
        int t = ipHeader;
        u16(f, t, srcPort);
        u16(f, t + 2, dstPort);
        u32(f, t + 4, seq);
        u32(f, t + 8, ack);
        f[t + 12] = 0x50;
        f[t + 13] = (byte) flags;
        u16(f, t + 14, 65535);
        System.arraycopy(payload, offset, f, t + 20, length);
        return f;
    }

    /** A connection whose ends differ in family (a v6 client, a v4 upstream) is written all in IPv6. */
    private static byte[] ipv6(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }

    /** An IPv4-mapped or plain IPv4 address as 4 bytes. */
    private static byte[] ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return b;
        }
        return new byte[] {b[12], b[13], b[14], b[15]};
    }

    private static int checksum(byte[] b, int from, int length) {
        long sum = 0;
        for (int i = from; i < from + length; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (i + 1 < from + length ? b[i + 1] & 0xff : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void u16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    private static void u32(byte[] b, int at, long v) {
        b[at] = (byte) (v >> 24);
        b[at + 1] = (byte) (v >> 16);
        b[at + 2] = (byte) (v >> 8);
        b[at + 3] = (byte) v;
    }
}
