package analyzer.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.flow.ConnectionListener;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hand-off, with a toy line protocol registered beside the standard ones: recognised by content, handing the
 * rest of its stream to TLS (as STARTTLS does), reached through an HTTP/1.1 upgrade on both directions, and
 * carrying an inner connection whose plaintext is dissected again (as decrypted TLS is).
 */
@Timeout(30)
class HandOffTest {

    /** One line of the toy protocol. */
    record ToyLine(Flow flow, Direction direction, long timestampMicros, Frames frames, String line)
            implements Event {
    }

    /**
     * "TOY …" lines. STARTTLS: the rest of the stream is TLS. WRAP: the rest of both directions is XOR 0x55 over
     * an inner connection.
     */
    static final StreamProtocol TOY = new StreamProtocol() {
        @Override
        public String name() {
            return "toy";
        }

        @Override
        public int probeLength() {
            return 4;
        }

        @Override
        public Recognition recognise(byte[] data, int offset, int length) {
            byte[] magic = "TOY ".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < Math.min(length, magic.length); i++) {
                if (data[offset + i] != magic[i]) {
                    return Recognition.NO;
                }
            }
            return length >= magic.length ? Recognition.YES : Recognition.NEED_MORE;
        }

        @Override
        public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
            return new ToyDissector(stream);
        }
    };

    /** Both directions of a wrapped connection feed the same inner connection. */
    static final class Wrapped {
        ConnectionListener inner;
    }

    static final class ToyDissector implements StreamDissector {
        private final StreamContext stream;
        private final StringBuilder line = new StringBuilder();
        private boolean wrapped;

        ToyDissector(StreamContext stream) {
            this.stream = stream;
            // The other side of a wrapped connection is wrapped from its first byte.
            wrapped = stream.connection().findState(Wrapped.class) != null;
        }

        @Override
        public void data(byte[] data, int offset, int length, long frame, long timestampMicros) {
            if (wrapped) {
                unwrap(data, offset, length, frame, timestampMicros);
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                if (data[i] != '\n') {
                    line.append((char) data[i]);
                    continue;
                }
                String text = line.toString().strip();
                line.setLength(0);
                stream.sink().accept(new ToyLine(stream.flow(), stream.direction(), timestampMicros,
                        Frames.of(frame), text));
                if (text.equals("STARTTLS")) {
                    stream.handOff(stream.protocols().byName("tls"), data, i + 1, offset + length - i - 1);
                    return;
                }
                if (text.equals("WRAP")) {
                    Wrapped w = stream.connection().state(Wrapped.class, Wrapped::new);
                    w.inner = stream.connection().openInner(stream.flow(), stream.sink(), null);
                    wrapped = true;
                    if (stream.peer().protocol() != TOY) {
                        stream.peer().handOff(TOY, new byte[0], 0, 0);
                    }
                    unwrap(data, i + 1, offset + length - i - 1, frame, timestampMicros);
                    return;
                }
            }
        }

        private void unwrap(byte[] data, int offset, int length, long frame, long timestampMicros) {
            byte[] plain = new byte[length];
            for (int i = 0; i < length; i++) {
                plain[i] = (byte) (data[offset + i] ^ 0x55);
            }
            stream.connection().findState(Wrapped.class).inner.onData(stream.direction(), plain, 0, length, frame,
                    timestampMicros);
        }

        @Override
        public void gap(long missingBytes, long frame, long timestampMicros) {
            stream.resync(TOY, new byte[0], 0, 0, 0);
        }

        @Override
        public void close() {
            if (line.length() > 0) {
                stream.sink().accept(new ToyLine(stream.flow(), stream.direction(), 0, Frames.NONE,
                        line + " (incomplete)"));
            }
        }
    }

    private static Protocols withToy() {
        return new Protocols.Builder(Protocols.standard()).heuristic(TOY).upgrade("toy/1", TOY).build();
    }

    @Test
    void aRegisteredProtocolIsRecognisedByContentAndOthersStillAre() {
        Conversation c = new Conversation(withToy()).client("TO").client("Y hello\n").server("HTTP/1.1 204 No Content\r\n\r\n");
        assertEquals("TOY hello", c.only(ToyLine.class).line());
        assertEquals("2", c.only(ToyLine.class).frames().toString(), "the line ends in the second delivery");
        assertEquals(204, c.only(HttpResponseSeen.class).code());
        List<RawDataSeen> none = new Conversation(Protocols.standard()).client("TOY hello\n").all(RawDataSeen.class);
        assertEquals(1, none.size(), "unregistered, the same bytes are raw");
    }

    @Test
    void starttlsHandsTheRestOfTheStreamToTls() {
        byte[] hello = TlsDissectionTest.clientHelloRecord();
        Conversation c = new Conversation(withToy())
                .client(Conversation.concat(Conversation.ascii("TOY hi\nSTARTTLS\n"), hello, new byte[]{23, 3, 3, 0, 1, 9}));
        assertEquals(List.of("TOY hi", "STARTTLS"), lines(c));
        List<TlsRecordSeen> records = c.all(TlsRecordSeen.class);
        assertEquals(2, records.size(), c.describeAll());
        assertEquals("localhost", ((TlsHandshake.ClientHello) records.get(0).handshakes().get(0)).serverName());
        assertTrue(records.get(1).encrypted());
        assertTrue(c.all(RawDataSeen.class).isEmpty(), c.describeAll());
    }

    @Test
    void a101SwitchesBothDirectionsToTheProtocolItsUpgradeNames() {
        Conversation c = new Conversation(withToy())
                .client("GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: toy/1\r\nConnection: Upgrade\r\n\r\n")
                .server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: toy/1\r\nConnection: Upgrade\r\n\r\nready\n")
                .client("hello from the client\n");
        assertEquals(List.of("ready", "hello from the client"), lines(c), c.describeAll());
        assertEquals(Direction.SERVER_TO_CLIENT, c.all(ToyLine.class).get(0).direction());
        HttpUpgrade upgrade = c.connection().findState(HttpUpgrade.class);
        assertNotNull(upgrade);
        assertEquals("toy/1", upgrade.token());
        assertEquals("/chat", upgrade.requestUri());
        assertEquals("Upgrade", HttpHeader.value(upgrade.responseHeaders(), "connection"));
    }

    @Test
    void a101ToAnUnregisteredTokenIsDetectedAgain() {
        Conversation c = new Conversation(withToy())
                .client("GET / HTTP/1.1\r\nUpgrade: other\r\n\r\n")
                .server("HTTP/1.1 101 Switching Protocols\r\nUpgrade: other\r\n\r\n")
                // Bytes no heuristic waits on: {1, 2, 3} could begin a DNS-over-TCP query (a length of 258), {0, …}
                // a PostgreSQL message, and those are held until enough has come to tell.
                .server(new byte[]{0x7f, 2, 3})
                .client("TOY detected\n");
        assertEquals(List.of("TOY detected"), lines(c));
        assertEquals(3, c.only(RawDataSeen.class).length());
        assertNull(c.connection().findState(HttpUpgrade.class));
    }

    @Test
    void anInnerConnectionIsDissectedLikeAnyOther() {
        byte[] request = xor("GET /inside HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWxpY2U6cw==\r\n\r\n");
        byte[] response = xor("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret");
        Conversation c = new Conversation(withToy())
                .client(Conversation.concat(Conversation.ascii("TOY go\nWRAP\n"), request))
                .server(response);
        HttpRequestSeen inner = c.only(HttpRequestSeen.class);
        assertEquals("/inside", inner.uri());
        assertEquals("1", inner.frames().toString(), "the frame the wrapped bytes came in");
        HttpResponseSeen answer = c.only(HttpResponseSeen.class);
        assertEquals("/inside", answer.requestUri(), "paired within the inner connection");
        assertEquals("secret", new String(answer.body().shown(), StandardCharsets.US_ASCII));
        assertTrue(c.all(RawDataSeen.class).isEmpty(), c.describeAll());
    }

    @Test
    void anInnerConnectionStartsWithTheExpectedProtocolWhenTold() {
        Conversation outer = new Conversation(Protocols.standard());
        List<Event> events = new java.util.ArrayList<>();
        ConnectionListener inner = outer.connection().openInner(outer.flow, events::add, Protocols.standard().forAlpn("http/1.1"));
        inner.onData(Direction.SERVER_TO_CLIENT, Conversation.ascii("HTTP/1.1 204 No Content\r\n\r\n"), 0, 27, 7, 1);
        assertEquals(204, ((HttpResponseSeen) events.get(0)).code());
    }

    @Test
    void tlsKeepsTheNegotiatedAlpnForTheDecryptedStream() {
        Conversation c = new Conversation(Protocols.standard())
                .client(TlsDissectionTest.clientHelloRecord())
                .server(TlsDissectionTest.serverHelloRecord(0x0304));
        TlsConnectionState tls = c.connection().findState(TlsConnectionState.class);
        assertEquals(List.of("h2", "http/1.1"), tls.offeredAlpn());
        assertEquals("h2", tls.selectedAlpn());
        assertTrue(tls.tls13());
        assertNull(Protocols.standard().forAlpn("no-such-protocol"));
    }

    @Test
    void anEarlierHeuristicThatNeedsMoreBytesIsWaitedFor() {
        StreamProtocol greedy = new StreamProtocol() {
            @Override
            public String name() {
                return "greedy";
            }

            @Override
            public int probeLength() {
                return 8;
            }

            @Override
            public Recognition recognise(byte[] data, int offset, int length) {
                String s = new String(data, offset, length, StandardCharsets.US_ASCII);
                return "GET /one".startsWith(s) ? Recognition.NEED_MORE
                        : s.startsWith("GET /one") ? Recognition.YES : Recognition.NO;
            }

            @Override
            public StreamDissector open(StreamContext stream, byte[] first, int offset, int length) {
                return new ToyDissector(stream);
            }
        };
        Protocols first = new Protocols.Builder().heuristic(greedy).heuristic(Http1Protocol.INSTANCE).build();
        Conversation claimed = new Conversation(first).client("GET ").client("/one\n");
        assertEquals(List.of("GET /one"), lines(claimed));
        Conversation passed = new Conversation(first).client("GET ").client("/two HTTP/1.1\r\n\r\n");
        assertEquals("/two", passed.only(HttpRequestSeen.class).uri());
        assertFalse(passed.all(HttpRequestSeen.class).get(0).frames().isEmpty());
    }

    private static List<String> lines(Conversation c) {
        return c.all(ToyLine.class).stream().map(ToyLine::line).collect(Collectors.toList());
    }

    private static byte[] xor(String text) {
        byte[] b = Conversation.ascii(text);
        for (int i = 0; i < b.length; i++) {
            b[i] ^= 0x55;
        }
        return b;
    }
}
