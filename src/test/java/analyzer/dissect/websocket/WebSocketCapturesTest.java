package analyzer.dissect.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.CapturedEvents;
import analyzer.dissect.session.ProtocolMalformed;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.Tshark;
import analyzer.flow.Direction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WebSocket between python3-websockets client and server (src/test/resources/captures/make-captures.sh), three
 * connections: no extension, permessage-deflate with context takeover, and without it. Compared with what the
 * client sent and with tshark's reading of the frames.
 */
@Timeout(120)
class WebSocketCapturesTest {

    private static final Path CAPTURE = CapturedEvents.resource("websocket.pcap");

    /** What websocket_chat.py sends, in order; the server echoes each data message. */
    private static final List<String> SENT = List.of("text hello, the secret is fluffy tail",
            "text hello, the secret is fluffy tail again", "text fragmented message in three", "binary", "ping are you there",
            "close 4000 bye for now");

    @Test
    void everyConnectionShowsWhatTheClientSentUnmaskedAndInflated() throws Exception {
        CapturedEvents c = CapturedEvents.read(CAPTURE);
        for (int flow = 1; flow <= 3; flow++) {
            int id = flow;
            List<WebSocketMessageSeen> client = c.all(WebSocketMessageSeen.class).stream()
                    .filter(m -> m.flow().id() == id && m.direction() == Direction.CLIENT_TO_SERVER).toList();
            assertEquals(SENT, client.stream().map(WebSocketCapturesTest::describe).toList(), "flow " + flow);
            assertTrue(client.stream().allMatch(WebSocketMessageSeen::masked), "a client masks every frame");
            boolean deflate = flow > 1;
            assertEquals(deflate, client.get(0).compressed(), "flow " + flow);
            assertEquals(3 + 1, client.get(2).fragments(), "three fragments and an empty final one");
            byte[] counting = new byte[40];
            for (int i = 0; i < counting.length; i++) {
                counting[i] = (byte) i;
            }
            assertArrayEquals(counting, client.get(3).preview());
            List<WebSocketMessageSeen> server = c.all(WebSocketMessageSeen.class).stream()
                    .filter(m -> m.flow().id() == id && m.direction() == Direction.SERVER_TO_CLIENT).toList();
            assertEquals(List.of("text hello, the secret is fluffy tail", "text hello, the secret is fluffy tail again",
                    "text fragmented message in three", "binary", "pong are you there", "close 4000 bye for now"),
                    server.stream().map(WebSocketCapturesTest::describe).toList(), "the echo, flow " + flow);
            assertFalse(server.get(0).masked());
        }
        // The second message reuses the first's compression context: much shorter on the wire than without it.
        List<WebSocketMessageSeen> again = c.all(WebSocketMessageSeen.class).stream()
                .filter(m -> m.direction() == Direction.CLIENT_TO_SERVER && m.type().equals("text")
                        && m.length() == "hello, the secret is fluffy tail again".length()).toList();
        assertTrue(again.get(1).wireLength() < again.get(2).wireLength() / 2,
                "context takeover " + again.get(1).wireLength() + " vs none " + again.get(2).wireLength());
        assertTrue(c.all(ProtocolMalformed.class).isEmpty(), c.all(ProtocolMalformed.class).toString());
        assertTrue(c.all(RawDataSeen.class).isEmpty());
    }

    @Test
    void framesAreTheOnesTsharkReads() throws Exception {
        CapturedEvents c = CapturedEvents.read(CAPTURE);
        int port = c.events.get(0).flow().server().port();
        // One row per frame: connection, opcode, FIN, mask, payload length on the wire.
        List<String[]> frames = Tshark.fields(CAPTURE, List.of("-d", "tcp.port==" + port + ",http", "-Y", "websocket"),
                "tcp.stream", "websocket.opcode", "websocket.fin", "websocket.mask", "websocket.payload_length",
                "websocket.rsv");
        // Fold the frames into messages as RFC 6455 does: data frames until FIN; control frames stand alone.
        List<String> theirs = new ArrayList<>();
        long wire = 0;
        int fragments = 0;
        String first = null;
        for (String[] f : frames) {
            int opcode = Integer.parseInt(f[1]);
            long length = Long.parseLong(f[4]);
            if (opcode >= 8) {
                theirs.add(f[0] + " " + WebSocketStreamDissector.typeName(opcode) + " " + f[3] + " 1 " + length);
                continue;
            }
            if (opcode != 0) {
                first = f[0] + " " + WebSocketStreamDissector.typeName(opcode) + " " + f[3] + " ";
                wire = 0;
                fragments = 0;
            }
            wire += length;
            fragments++;
            if (f[2].equals("1") || f[2].equals("True")) {
                theirs.add(first + fragments + " " + wire);
            }
        }
        List<String> ours = c.all(WebSocketMessageSeen.class).stream()
                .map(m -> (m.flow().id() - 1) + " " + m.type() + " " + (m.masked() ? "1" : "0") + " " + m.fragments()
                        + " " + m.wireLength())
                .collect(Collectors.toList());
        assertEquals(theirs, ours);
    }

    private static String describe(WebSocketMessageSeen m) {
        String payload = new String(m.preview(), StandardCharsets.UTF_8);
        return switch (m.type()) {
            case "binary" -> "binary";
            case "close" -> "close " + m.closeCode() + " " + m.closeReason();
            default -> m.type() + " " + payload;
        };
    }
}
