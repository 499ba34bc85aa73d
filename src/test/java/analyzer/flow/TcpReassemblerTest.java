package analyzer.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.ConnectionListener.CloseReason;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpReassemblerTest {

    private static final Endpoint CLIENT = endpoint("127.0.0.1", 42184);
    private static final Endpoint SERVER = endpoint("127.0.0.1", 5683);

    private final RecordingListener recorder = new RecordingListener();
    private TcpReassembler reassembler = new TcpReassembler(recorder, ReassemblyLimits.defaults());
    private long frame;

    private static Endpoint endpoint(String ip, int port) {
        try {
            return new Endpoint(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private void send(Endpoint from, Endpoint to, long seq, int flags, String payload) {
        frame++;
        reassembler.accept(TcpSegment.of(from, to, seq, 0, flags | TcpSegment.ACK,
                payload.getBytes(StandardCharsets.ISO_8859_1)), frame, frame * 1000);
    }

    private void handshake(long clientIsn, long serverIsn) {
        frame++;
        reassembler.accept(TcpSegment.of(CLIENT, SERVER, clientIsn, 0, TcpSegment.SYN, new byte[0]), frame, 0);
        frame++;
        reassembler.accept(TcpSegment.of(SERVER, CLIENT, serverIsn, clientIsn + 1, TcpSegment.SYN | TcpSegment.ACK,
                new byte[0]), frame, 0);
        send(CLIENT, SERVER, clientIsn + 1, 0, "");
    }

    private RecordingListener.Conn only() {
        assertEquals(1, recorder.connections.size());
        return recorder.connections.get(0);
    }

    @Test
    void inOrderDataBothDirectionsAndFinClose() {
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "GET / HTTP/1.1\r\n\r\n");
        send(SERVER, CLIENT, 5001, 0, "HTTP/1.1 200 OK\r\n");
        send(SERVER, CLIENT, 5018, 0, "\r\n");
        send(CLIENT, SERVER, 1019, TcpSegment.FIN, "");
        send(SERVER, CLIENT, 5020, TcpSegment.FIN, "");
        RecordingListener.Conn c = only();
        assertEquals(CLIENT, c.flow.client());
        assertEquals(SERVER, c.flow.server());
        assertEquals(1, c.flow.id());
        assertEquals("GET / HTTP/1.1\r\n\r\n", c.client());
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", c.server());
        assertEquals(CloseReason.FIN, c.closed);
        assertEquals(List.of(4L, 5L, 6L), c.frames);
    }

    @Test
    void outOfOrderSegmentsAreReorderedAndDeliveredWithTheirOwnFrames() {
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1006, 0, "world");
        send(CLIENT, SERVER, 1011, 0, "!");
        send(CLIENT, SERVER, 1001, 0, "hello");
        RecordingListener.Conn c = only();
        assertEquals("helloworld!", c.client());
        assertEquals(List.of("C:hello", "C:world", "C:!"), c.log);
        assertEquals(List.of(6L, 4L, 5L), c.frames);
        assertEquals(0, reassembler.bufferedBytes());
    }

    @Test
    void retransmissionsAndOverlapsAreDeliveredOnce() {
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "abcdef");
        send(CLIENT, SERVER, 1001, 0, "abcdef");
        send(CLIENT, SERVER, 1004, 0, "defghi");
        send(CLIENT, SERVER, 1012, 0, "lm");
        send(CLIENT, SERVER, 1008, 0, "hijkl");
        assertEquals("abcdefghijklm", only().client());
    }

    @Test
    void connectionAlreadyOpenWhenCaptureStartsIsPickedUpMidStream() {
        send(SERVER, CLIENT, 777_000, 0, "HTTP/1.1 200 OK\r\n");
        send(CLIENT, SERVER, 123_000, 0, "GET /next HTTP/1.1\r\n");
        RecordingListener.Conn c = only();
        assertEquals(SERVER, c.flow.server(), "the lower port is taken to be the server's");
        assertEquals("GET /next HTTP/1.1\r\n", c.client());
        assertEquals("HTTP/1.1 200 OK\r\n", c.server());
    }

    @Test
    void bareAcksOfUnknownConnectionsCreateNothing() {
        send(CLIENT, SERVER, 1, 0, "");
        assertEquals(0, recorder.connections.size());
    }

    @Test
    void rstClosesTheConnection() {
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "x");
        send(SERVER, CLIENT, 5001, TcpSegment.RST, "");
        assertEquals(CloseReason.RST, only().closed);
        send(CLIENT, SERVER, 1002, 0, "late");
        assertEquals("x", only().client(), "data after the connection closed is not delivered");
    }

    @Test
    void portReuseStartsANewFlow() {
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, TcpSegment.FIN, "one");
        send(SERVER, CLIENT, 5001, TcpSegment.FIN, "");
        handshake(90_000, 70_000);
        send(CLIENT, SERVER, 90_001, 0, "two");
        assertEquals(2, recorder.connections.size());
        assertEquals("one", recorder.connections.get(0).client());
        assertEquals("two", recorder.connections.get(1).client());
        assertEquals(2, recorder.connections.get(1).flow.id());
    }

    @Test
    void sequenceNumbersWrapAround() {
        handshake(0xfffffff0L, 5000);
        send(CLIENT, SERVER, 0xfffffff1L, 0, "0123456789abcdef");
        send(CLIENT, SERVER, 0x00000001L, 0, "XYZ");
        assertEquals("0123456789abcdefXYZ", only().client());
    }

    @Test
    void aHoleThatNeverFillsIsReportedAsAGapAtTheEnd() {
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "abc");
        send(CLIENT, SERVER, 1010, 0, "xyz");
        reassembler.finish(frame, 0);
        RecordingListener.Conn c = only();
        assertEquals(List.of("C:abc", "C:gap 6", "C:xyz"), c.log);
        assertEquals(CloseReason.END_OF_CAPTURE, c.closed);
    }

    @Test
    void bufferLimitMakesTheStreamSkipAheadWithAGap() {
        reassembler = new TcpReassembler(recorder, new ReassemblyLimits(8, 1 << 20, 60_000_000L));
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "ab");
        send(CLIENT, SERVER, 1010, 0, "12345");   // held: 5 bytes
        send(CLIENT, SERVER, 1015, 0, "6789");    // would hold 9 > 8: give up on the hole
        RecordingListener.Conn c = only();
        assertEquals(List.of("C:ab", "C:gap 7", "C:12345", "C:6789"), c.log);
        assertEquals(0, reassembler.bufferedBytes());
    }

    @Test
    void totalLimitBoundsAllConnectionsTogether() {
        reassembler = new TcpReassembler(recorder, new ReassemblyLimits(1 << 20, 10, 60_000_000L));
        handshake(1000, 5000);
        for (int i = 0; i < 100; i++) {
            send(CLIENT, SERVER, 2000 + 10L * i, 0, "0123456789");
            assertTrue(reassembler.bufferedBytes() <= 10);
        }
    }

    @Test
    void idleConnectionsExpire() {
        reassembler = new TcpReassembler(recorder, new ReassemblyLimits(1 << 20, 1 << 20, 1_000_000L));
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "abc");
        reassembler.expireIdle(frame * 1000 + 500_000);
        assertNull(only().closed);
        reassembler.expireIdle(frame * 1000 + 2_000_000);
        assertEquals(CloseReason.IDLE, only().closed);
    }

    @Test
    void ipv6ConnectionsAreTracked() {
        Endpoint c6 = endpoint("::1", 50000);
        Endpoint s6 = endpoint("::1", 5683);
        frame++;
        reassembler.accept(TcpSegment.of(c6, s6, 10, 0, TcpSegment.SYN, new byte[0]), frame, 0);
        frame++;
        reassembler.accept(TcpSegment.of(c6, s6, 11, 0, TcpSegment.ACK, "hi".getBytes()), frame, 0);
        assertEquals("[::1]:50000", only().flow.client().toString());
        assertEquals("hi", only().client());
    }

    private static Endpoint client(int n) {
        try {
            return new Endpoint(InetAddress.getByAddress(SyntheticConnections.client(n)), 1024 + n % 60000);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A SYN flood fills the table with connections that never carried a byte: those go first, the real one stays. */
    @Test
    void aSynFloodIsBoundedInCountAndEvictsTheQuietFirst() {
        reassembler = new TcpReassembler(recorder, ReassemblyLimits.defaults().withConnectionTable(1000, 1L << 30));
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, 0, "GET / HTTP/1.1\r\n");
        for (int i = 0; i < 50_000; i++) {
            frame++;
            reassembler.accept(TcpSegment.of(client(i), SERVER, i, 0, TcpSegment.SYN, new byte[0]), frame, frame * 1000);
            assertTrue(reassembler.connectionsTracked() <= 1000);
        }
        assertEquals(49_001, reassembler.evicted());
        RecordingListener.Conn real = recorder.connections.get(0);
        assertNull(real.closed, "the connection that carried data outlived the flood");
        send(CLIENT, SERVER, 1001 + 16, 0, "Host: x\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\nHost: x\r\n\r\n", real.client());
        assertEquals(CloseReason.EVICTED, recorder.connections.get(1).closed);
        assertNull(recorder.connections.get(recorder.connections.size() - 1).closed);
    }

    /** Each connection holds bytes past a hole: the table's memory stays under its bound, the idlest go first. */
    @Test
    void heldBytesCountAgainstTheMemoryBoundAndEvictionDeliversThem() {
        long bound = 1 << 20;
        reassembler = new TcpReassembler(recorder, ReassemblyLimits.defaults().withConnectionTable(1_000_000, bound));
        String held = "x".repeat(200);
        for (int i = 0; i < 20_000; i++) {
            Endpoint c = client(i);
            frame++;
            reassembler.accept(TcpSegment.of(c, SERVER, 100, 0, TcpSegment.SYN, new byte[0]), frame, frame * 1000);
            frame++;
            reassembler.accept(TcpSegment.of(c, SERVER, 201, 0, TcpSegment.ACK, held.getBytes(StandardCharsets.US_ASCII)),
                    frame, frame * 1000);
            assertTrue(reassembler.trackedBytes() <= bound, "tracked " + reassembler.trackedBytes());
        }
        assertTrue(reassembler.evicted() > 15_000, "evicted " + reassembler.evicted());
        RecordingListener.Conn first = recorder.connections.get(0);
        assertEquals(CloseReason.EVICTED, first.closed);
        assertEquals(List.of("C:gap 100", "C:" + held), first.log, "what it held is delivered when it is evicted");
        reassembler.finish(frame, frame * 1000);
        assertEquals(0, reassembler.trackedBytes());
    }

    /** Finished connections linger for late retransmissions, without their listener, and go first when room is short. */
    @Test
    void finishedConnectionsAreForgottenBeforeOpenOnes() {
        reassembler = new TcpReassembler(recorder, ReassemblyLimits.defaults().withConnectionTable(2, 1L << 30));
        handshake(1000, 5000);
        send(CLIENT, SERVER, 1001, TcpSegment.FIN, "");
        send(SERVER, CLIENT, 5001, TcpSegment.FIN, "");
        assertEquals(CloseReason.FIN, only().closed);
        for (int i = 0; i < 2; i++) {
            frame++;
            reassembler.accept(TcpSegment.of(client(i), SERVER, 7, 0, TcpSegment.SYN, new byte[0]), frame, frame * 1000);
        }
        assertEquals(0, reassembler.evicted(), "a finished connection is not evicted, only forgotten");
        assertEquals(2, reassembler.connectionsTracked());
    }
}
