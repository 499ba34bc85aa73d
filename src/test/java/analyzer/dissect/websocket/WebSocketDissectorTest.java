package analyzer.dissect.websocket;

import static analyzer.dissect.Conversation.ascii;
import static analyzer.dissect.Conversation.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Conversation;
import analyzer.dissect.DissectorOptions;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.RawDataSeen;
import analyzer.flow.Direction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WebSocket frames built here: any split of the bytes, large frames streamed, and hostile input bounded. */
@Timeout(60)
class WebSocketDissectorTest {

    private static final String REQUEST = "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private static final String SWITCH = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
    private static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private static Conversation upgraded(String extensions) {
        return new Conversation(new DissectorOptions(1 << 20, 256)).client(REQUEST)
                .server(SWITCH + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") + "\r\n");
    }

    @Test
    void aMaskedFragmentedMessageIsReassembledWhateverTheSplit() {
        byte[] bytes = concat(frame(false, false, 1, true, ascii("Hello, ")),
                frame(true, false, 9, true, ascii("ping")), // a control frame between fragments
                frame(true, false, 0, true, ascii("World")));
        for (int piece : new int[]{1, 3, 1000}) {
            Conversation c = upgraded(null).inPieces(Direction.CLIENT_TO_SERVER, bytes, piece);
            List<WebSocketMessageSeen> m = c.all(WebSocketMessageSeen.class);
            assertEquals(2, m.size(), c.describeAll());
            assertEquals("ping", m.get(0).type());
            assertEquals("text", m.get(1).type());
            assertEquals("Hello, World", new String(m.get(1).preview(), StandardCharsets.UTF_8));
            assertEquals(2, m.get(1).fragments());
            assertTrue(m.get(1).masked());
        }
    }

    @Test
    void aFrameClaiming2To63BytesIsMalformedAndTheCaptureGoesOn() {
        byte[] lie = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3};
        Conversation c = upgraded(null).server(lie).server(ascii("whatever follows"))
                .client(frame(true, false, 1, true, ascii("still read")));
        assertTrue(c.only(ProtocolMalformed.class).reason().contains("9223372036854775808 bytes"), c.describeAll());
        assertEquals(2, c.all(RawDataSeen.class).size(), "the rest of that direction");
        assertEquals("still read", new String(c.only(WebSocketMessageSeen.class).preview(), StandardCharsets.UTF_8),
                "the other direction goes on");
    }

    @Test
    void aLargeFrameIsStreamedAndOnlyItsStartKept() {
        byte[] payload = new byte[5_000_000];
        Arrays.fill(payload, (byte) 'a');
        Conversation c = new Conversation(DissectorOptions.defaults()).client(REQUEST).server(SWITCH + "\r\n")
                .inPieces(Direction.SERVER_TO_CLIENT, frame(true, false, 2, false, payload), 65_536);
        WebSocketMessageSeen m = c.only(WebSocketMessageSeen.class);
        assertEquals(5_000_000, m.length());
        assertEquals(DissectorOptions.defaults().maxBody(), m.preview().length);
        assertTrue(m.truncated());
    }

    @Test
    void permessageDeflateWithContextTakeoverAndWithout() {
        for (boolean fresh : new boolean[]{false, true}) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            byte[] one = deflate(deflater, "the secret is fluffy tail", fresh);
            byte[] two = deflate(deflater, "the secret is fluffy tail", fresh);
            Conversation c = upgraded("permessage-deflate" + (fresh ? "; client_no_context_takeover" : ""))
                    .client(frame(true, true, 1, true, one)).client(frame(true, true, 1, true, two));
            for (WebSocketMessageSeen m : c.all(WebSocketMessageSeen.class)) {
                assertEquals("the secret is fluffy tail", new String(m.preview(), StandardCharsets.UTF_8));
                assertTrue(m.compressed());
            }
            assertEquals(2, c.all(WebSocketMessageSeen.class).size());
            assertTrue(c.all(ProtocolMalformed.class).isEmpty(), c.describeAll());
            if (!fresh) {
                assertTrue(two.length < one.length, "the second refers back to the first");
            }
        }
    }

    @Test
    void aDeflateBombStopsAtTheBoundAndLaterMessagesSayWhy() {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] out = new byte[1 << 16];
        deflater.setInput(new byte[0]);
        for (int i = 0; i < 40; i++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                bomb.write(out, 0, deflater.deflate(out));
            }
        }
        int n;
        while ((n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH)) > 0) {
            bomb.write(out, 0, n);
        }
        byte[] compressed = Arrays.copyOf(bomb.toByteArray(), bomb.size() - 4);
        Conversation c = upgraded("permessage-deflate")
                .server(frame(true, true, 2, false, compressed))
                .server(frame(true, true, 1, false, deflate(new Deflater(Deflater.DEFAULT_COMPRESSION, true), "x", false)));
        List<WebSocketMessageSeen> m = c.all(WebSocketMessageSeen.class);
        assertTrue(m.get(0).length() > WebSocketStreamDissector.MAX_INFLATED, "inflated " + m.get(0).length());
        assertTrue(m.get(0).length() < 2 * WebSocketStreamDissector.MAX_INFLATED);
        List<ProtocolMalformed> problems = c.all(ProtocolMalformed.class);
        assertTrue(problems.get(0).reason().contains("inflated past 16 MiB"), problems.toString());
        assertTrue(problems.get(1).reason().contains("compression context was lost"), problems.toString());
    }

    @Test
    void closeCodeAndReasonAndABadControlFrame() {
        byte[] close = concat(new byte[]{0x03, (byte) 0xe9}, ascii("going away"));
        Conversation c = upgraded(null).server(frame(true, false, 8, false, close))
                .server(frame(true, false, 9, false, new byte[200]));
        List<WebSocketMessageSeen> m = c.all(WebSocketMessageSeen.class);
        assertEquals(1001, m.get(0).closeCode());
        assertEquals("going away", m.get(0).closeReason());
        assertEquals(200, m.get(1).length());
        assertTrue(c.only(ProtocolMalformed.class).reason().contains("at most 125"));
        assertFalse(m.get(1).masked());
        assertArrayEquals(new byte[125], Arrays.copyOf(m.get(1).preview(), 125));
    }

    // ---- bytes

    static byte[] frame(boolean fin, boolean rsv1, int opcode, boolean masked, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            b.write(mask | payload.length);
        } else if (payload.length < 65536) {
            b.write(mask | 126);
            b.write(payload.length >> 8);
            b.write(payload.length);
        } else {
            b.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                b.write((int) ((long) payload.length >> shift));
            }
        }
        if (masked) {
            b.writeBytes(KEY);
            for (int i = 0; i < payload.length; i++) {
                b.write(payload[i] ^ KEY[i & 3]);
            }
        } else {
            b.writeBytes(payload);
        }
        return b.toByteArray();
    }

    /** One message as permessage-deflate sends it: a sync flush, its final 00 00 ff ff removed. */
    static byte[] deflate(Deflater deflater, String text, boolean fresh) {
        if (fresh) {
            deflater.reset();
        }
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[1024];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        return Arrays.copyOf(out, n - 4);
    }
}
