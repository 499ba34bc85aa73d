package analyzer.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import analyzer.flow.ConnectionListener.CloseReason;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UdpFlowsTest {

    private static final InetAddress LOCAL = InetAddress.getLoopbackAddress();
    private final RecordingListener recorder = new RecordingListener();

    private static UdpDatagram datagram(int srcPort, int dstPort, String payload) {
        return UdpDatagram.of(new Endpoint(LOCAL, srcPort), new Endpoint(LOCAL, dstPort),
                payload.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void datagramsOfBothDirectionsFormOneFlowWithTheFirstSenderAsClient() {
        UdpFlows flows = new UdpFlows(recorder, new FlowIds(), 16, 60_000_000L);
        flows.accept(datagram(40000, 45000, "ping"), 1, 10);
        flows.accept(datagram(45000, 40000, "pong"), 2, 20);
        flows.accept(datagram(40000, 45000, "again"), 3, 30);
        assertEquals(1, recorder.connections.size());
        RecordingListener.Conn c = recorder.connections.get(0);
        assertEquals(Flow.Transport.UDP, c.flow.transport());
        assertEquals(40000, c.flow.client().port());
        assertEquals(java.util.List.of("C:ping", "S:pong", "C:again"), c.log, "one call per datagram");
        flows.finish(3, 30);
        assertEquals(CloseReason.END_OF_CAPTURE, c.closed);
    }

    @Test
    void anAnswerFromAWellKnownPortMakesItsSenderTheServer() {
        UdpFlows flows = new UdpFlows(recorder, new FlowIds(), 16, 60_000_000L);
        flows.accept(datagram(53, 51000, "answer"), 1, 10);
        assertEquals(53, recorder.connections.get(0).flow.server().port());
    }

    @Test
    void flowsShareNumbersWithTcpAndTheTableIsBounded() {
        FlowIds ids = new FlowIds();
        ids.next(); // a TCP connection came first
        UdpFlows flows = new UdpFlows(recorder, ids, 2, 60_000_000L);
        flows.accept(datagram(40001, 53, "a"), 1, 10);
        flows.accept(datagram(40002, 53, "b"), 2, 20);
        flows.accept(datagram(40001, 53, "a2"), 3, 30); // 40002 is now the one idle longest
        flows.accept(datagram(40003, 53, "c"), 4, 40);
        assertEquals(java.util.List.of(2, 3, 4), recorder.connections.stream().map(c -> c.flow.id()).toList());
        assertEquals(CloseReason.EVICTED, recorder.connections.get(1).closed);
        assertNull(recorder.connections.get(0).closed);
        assertEquals(1, flows.evicted());
        assertEquals(2, flows.flowsTracked());
    }

    @Test
    void idleFlowsExpire() {
        UdpFlows flows = new UdpFlows(recorder, new FlowIds(), 16, 1_000_000L);
        flows.accept(datagram(40001, 53, "a"), 1, 0);
        flows.accept(datagram(40002, 53, "b"), 2, 900_000);
        flows.expireIdle(1_500_000);
        assertEquals(CloseReason.IDLE, recorder.connections.get(0).closed);
        assertNull(recorder.connections.get(1).closed);
    }

    @Test
    void decoderFindsUdpBesideTcp() {
        byte[] local = {127, 0, 0, 1};
        byte[] frame = FrameBuilder.ethernet(FrameBuilder.ipv4Udp(local, local, 51000, 4433,
                "hello".getBytes(StandardCharsets.US_ASCII)), false);
        PacketDecoder decoder = new PacketDecoder(PacketDecoder.DLT_EN10MB);
        assertEquals(PacketDecoder.Kind.UDP, decoder.decodeAny(frame, frame.length));
        UdpDatagram d = decoder.datagram();
        assertEquals(51000, d.srcPort());
        assertEquals(4433, d.dstPort());
        assertEquals("hello", new String(d.data(), d.payloadOffset(), d.payloadLength(), StandardCharsets.US_ASCII));
        assertNull(decoder.decode(frame, frame.length), "decode() stays TCP only");
    }
}
