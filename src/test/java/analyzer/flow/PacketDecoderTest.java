package analyzer.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {

    private static final byte[] LOCAL4 = {127, 0, 0, 1};
    private static final byte[] LOCAL6 = new byte[16];
    private static final byte[] PAYLOAD = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static {
        LOCAL6[15] = 1;
    }

    private static byte[] v4() {
        return FrameBuilder.ipv4Tcp(LOCAL4, LOCAL4, 42184, 5683, 1001, 5001, TcpSegment.ACK | TcpSegment.PSH, PAYLOAD);
    }

    private static byte[] v6() {
        return FrameBuilder.ipv6Tcp(LOCAL6, LOCAL6, 42184, 5683, 1001, 5001, TcpSegment.ACK, PAYLOAD, false);
    }

    private static void assertSegment(TcpSegment s, boolean ipv6) {
        assertNotNull(s);
        assertEquals(ipv6, s.ipv6());
        assertEquals(42184, s.srcPort());
        assertEquals(5683, s.dstPort());
        assertEquals(1001, s.seq());
        assertEquals(5001, s.ack());
        assertTrue(s.has(TcpSegment.ACK));
        assertEquals(PAYLOAD.length, s.payloadLength());
        assertEquals("GET / HTTP/1.1\r\n\r\n",
                new String(s.data(), s.payloadOffset(), s.payloadLength(), StandardCharsets.US_ASCII));
        assertEquals(ipv6 ? "[::1]:42184" : "127.0.0.1:42184", s.source().toString());
    }

    private static TcpSegment decode(int linkType, byte[] frame) {
        return new PacketDecoder(linkType).decode(frame, frame.length);
    }

    @Test
    void ethernet() {
        assertSegment(decode(PacketDecoder.DLT_EN10MB, FrameBuilder.ethernet(v4(), false)), false);
        assertSegment(decode(PacketDecoder.DLT_EN10MB, FrameBuilder.ethernet(v6(), true)), true);
    }

    @Test
    void ethernetWithVlanTag() {
        byte[] eth = FrameBuilder.ethernet(v4(), false);
        byte[] tagged = new byte[eth.length + 4];
        System.arraycopy(eth, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81;
        tagged[13] = 0;
        tagged[14] = 0;
        tagged[15] = 7;
        System.arraycopy(eth, 12, tagged, 16, eth.length - 12);
        assertSegment(decode(PacketDecoder.DLT_EN10MB, tagged), false);
    }

    @Test
    void linuxCookedV1AndV2() {
        assertSegment(decode(PacketDecoder.DLT_LINUX_SLL, FrameBuilder.sll(v4(), false)), false);
        assertSegment(decode(PacketDecoder.DLT_LINUX_SLL, FrameBuilder.sll(v6(), true)), true);
        assertSegment(decode(PacketDecoder.DLT_LINUX_SLL2, FrameBuilder.sll2(v4(), false)), false);
        assertSegment(decode(PacketDecoder.DLT_LINUX_SLL2, FrameBuilder.sll2(v6(), true)), true);
    }

    @Test
    void bsdLoopbackWhateverTheIpv6FamilyValue() {
        assertSegment(decode(PacketDecoder.DLT_NULL, FrameBuilder.nullLink(v4(), 2)), false);
        for (int family : new int[] {24, 28, 30}) {
            assertSegment(decode(PacketDecoder.DLT_NULL, FrameBuilder.nullLink(v6(), family)), true);
        }
        assertSegment(decode(PacketDecoder.DLT_LOOP, FrameBuilder.nullLink(v4(), 0)), false);
    }

    @Test
    void rawIp() {
        for (int dlt : new int[] {PacketDecoder.DLT_RAW, PacketDecoder.LINKTYPE_RAW}) {
            assertSegment(decode(dlt, v4()), false);
            assertSegment(decode(dlt, v6()), true);
        }
        assertSegment(decode(PacketDecoder.DLT_IPV4, v4()), false);
        assertSegment(decode(PacketDecoder.DLT_IPV6, v6()), true);
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        byte[] withHop = FrameBuilder.ipv6Tcp(LOCAL6, LOCAL6, 42184, 5683, 1001, 5001, TcpSegment.ACK, PAYLOAD, true);
        assertSegment(decode(PacketDecoder.DLT_RAW, withHop), true);
    }

    @Test
    void snapLengthCutIsVisibleAsMissingPayload() {
        byte[] frame = FrameBuilder.ethernet(v4(), false);
        TcpSegment s = new PacketDecoder(PacketDecoder.DLT_EN10MB).decode(frame, frame.length - 5);
        assertEquals(PAYLOAD.length - 5, s.payloadLength());
        assertEquals(PAYLOAD.length, s.wirePayloadLength());
    }

    @Test
    void notTcpFragmentsAndRuntsAreSkipped() {
        byte[] udp = v4().clone();
        udp[9] = 17;
        assertNull(decode(PacketDecoder.DLT_RAW, udp));
        byte[] fragment = v4().clone();
        fragment[6] = 0x20; // more fragments
        assertNull(decode(PacketDecoder.DLT_RAW, fragment));
        assertNull(decode(PacketDecoder.DLT_EN10MB, new byte[10]));
        assertNull(decode(PacketDecoder.DLT_RAW, new byte[] {0x45, 0, 0}));
        byte[] arp = FrameBuilder.ethernet(v4(), false);
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertNull(decode(PacketDecoder.DLT_EN10MB, arp));
    }
}
