package analyzer.dissect.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Dissector;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Endpoint;
import analyzer.flow.Flow;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message after a two-byte length, recognised by the client's first
 * query — a length, then a header with one question and no answers — never by the port. Messages split across
 * deliveries or several in one, and input that only looks like DNS at first.
 */
class DnsOverTcpTest {

    private final List<Event> events = new ArrayList<>();
    private final ConnectionListener connection;
    private long frame;

    DnsOverTcpTest() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        Flow flow = new Flow(1, new Endpoint(lo, 50000), new Endpoint(lo, 5353));
        connection = new Dissector(events::add, DissectorOptions.defaults()).open(flow, 1, 0);
    }

    private void send(Direction d, byte[] bytes, int from, int to) {
        frame++;
        connection.onData(d, Arrays.copyOfRange(bytes, from, to), 0, to - from, frame, frame * 1000);
    }

    private void send(Direction d, byte[] bytes) {
        send(d, bytes, 0, bytes.length);
    }

    private <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void queriesAndAnswersAreReadWhateverTheSegmentsAndSeveralShareAConnection() {
        byte[] query = framed(query(0x1a2b, "fluffy.example", 1));
        // The length alone, then the header byte by byte, then the rest: recognised once the header says DNS.
        send(Direction.CLIENT_TO_SERVER, query, 0, 2);
        for (int i = 2; i < 15; i++) {
            send(Direction.CLIENT_TO_SERVER, query, i, i + 1);
        }
        send(Direction.CLIENT_TO_SERVER, query, 15, query.length);
        byte[] answer = framed(answerA(0x1a2b, "fluffy.example", new byte[] {(byte) 192, 0, 2, 7}));
        send(Direction.SERVER_TO_CLIENT, answer, 0, 20);
        send(Direction.SERVER_TO_CLIENT, answer, 20, answer.length);
        // Two more queries in one segment, their answers in one.
        send(Direction.CLIENT_TO_SERVER, concat(framed(query(2, "tail.example", 28)), framed(query(3, "oak.example", 1))));
        send(Direction.SERVER_TO_CLIENT, concat(framed(answerA(2, "tail.example", null)),
                framed(answerA(3, "oak.example", new byte[] {(byte) 192, 0, 2, 8}))));

        List<DnsMessageSeen> dns = of(DnsMessageSeen.class);
        assertEquals(List.of("query fluffy.example", "answer fluffy.example", "query tail.example",
                "query oak.example", "answer tail.example", "answer oak.example"), dns.stream()
                .map(e -> (e.message().response() ? "answer " : "query ") + e.message().questions().get(0).name())
                .toList(), events.toString());
        assertEquals(Frames.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), dns.get(0).frames(),
                "every frame the query crossed");
        assertEquals(Frames.of(16, 17), dns.get(1).frames());
        assertEquals("192.0.2.7", dns.get(1).message().answers().get(0).data());
        assertEquals(0x1a2b, dns.get(1).message().id());
        assertEquals(28, dns.get(2).message().questions().get(0).type());
        assertEquals(List.of(), of(RawDataSeen.class));
    }

    @Test
    void aLengthThenBytesThatAreNotAQueryAreRawData() {
        // Plausible length, but three questions and answers in what would be the client's first message.
        byte[] notDns = {0, 40, 1, 2, 1, 0, 0, 3, 0, 2, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
        send(Direction.CLIENT_TO_SERVER, notDns);
        assertEquals(List.of(), of(DnsMessageSeen.class));
        assertEquals(1, of(RawDataSeen.class).size(), events.toString());
    }

    @Test
    void aMessageThatLooksRightButDoesNotParseEndsTheDnsReading() {
        byte[] query = query(7, "fluffy.example", 1);
        byte[] broken = Arrays.copyOf(query, query.length + 3); // three bytes no count accounts for
        send(Direction.CLIENT_TO_SERVER, concat(framed(broken), "then anything".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(List.of(), of(DnsMessageSeen.class));
        ProtocolMalformed m = of(ProtocolMalformed.class).get(0);
        assertEquals("DNS", m.protocol());
        assertTrue(m.reason().contains(broken.length + " bytes"), m.reason());
        assertEquals(1, of(RawDataSeen.class).size(), "the rest is shown raw: " + events);
    }

    @Test
    void aMessageCutShortIsSaidWhenTheConnectionEnds() {
        byte[] query = framed(query(9, "fluffy.example", 1));
        send(Direction.CLIENT_TO_SERVER, query, 0, 20);
        connection.onClose(ConnectionListener.CloseReason.FIN, frame + 1, 0);
        assertEquals(List.of(), of(DnsMessageSeen.class));
        ProtocolMalformed m = of(ProtocolMalformed.class).get(0);
        assertEquals("a DNS message cut short: 18 of " + (query.length - 2) + " bytes", m.reason());
    }

    @Test
    void anAnswerNearTheLargestLengthInManySegmentsIsReadAndItsRecordsCapped() {
        send(Direction.CLIENT_TO_SERVER, framed(query(11, "zone.example", 1)));
        int records = 4000; // 16 bytes each with a compressed name: 64 030 bytes, what an AXFR message may be
        byte[] answer = framed(answerA(11, "zone.example", new byte[] {(byte) 192, 0, 2, 1}, records));
        assertTrue(answer.length > 64_000 && answer.length <= 65_537, "size " + answer.length);
        for (int at = 0; at < answer.length; at += 1400) {
            send(Direction.SERVER_TO_CLIENT, answer, at, Math.min(answer.length, at + 1400));
        }
        DnsMessage read = of(DnsMessageSeen.class).get(1).message();
        assertEquals(records, read.answerCount());
        assertEquals(DnsMessage.MAX_RECORDS, read.answers().size());
        assertEquals(List.of(), of(ProtocolMalformed.class));
    }

    // ---- messages built as a resolver would

    static byte[] query(int id, String name, int type) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, id);
        u16(b, 0x0120); // RD, AD: what dig sends
        u16(b, 1);
        u16(b, 0);
        u16(b, 0);
        u16(b, 0);
        name(b, name);
        u16(b, type);
        u16(b, 1);
        return b.toByteArray();
    }

    /** An answer to an A query with {@code address}, or an empty answer when it is null. */
    static byte[] answerA(int id, String name, byte[] address) {
        return answerA(id, name, address, address == null ? 0 : 1);
    }

    /** An answer with {@code count} A records of {@code address}. */
    static byte[] answerA(int id, String name, byte[] address, int count) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, id);
        u16(b, 0x8180);
        u16(b, 1);
        u16(b, count);
        u16(b, 0);
        u16(b, 0);
        name(b, name);
        u16(b, address == null ? 28 : 1);
        u16(b, 1);
        for (int i = 0; i < count; i++) {
            u16(b, 0xc00c);
            u16(b, 1);
            u16(b, 1);
            u16(b, 0);
            u16(b, 300);
            u16(b, address.length);
            b.writeBytes(address);
        }
        return b.toByteArray();
    }

    static byte[] framed(byte[] message) {
        byte[] out = new byte[message.length + 2];
        out[0] = (byte) (message.length >> 8);
        out[1] = (byte) message.length;
        System.arraycopy(message, 0, out, 2, message.length);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void u16(ByteArrayOutputStream b, int v) {
        b.write(v >> 8);
        b.write(v);
    }

    private static void name(ByteArrayOutputStream b, String name) {
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.write(0);
    }
}
