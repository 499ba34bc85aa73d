package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpMalformed;
import analyzer.dissect.HttpResponseSeen;
import analyzer.dissect.RawDataSeen;
import analyzer.dissect.websocket.WebSocketMessageSeen;
import analyzer.flow.Direction;
import analyzer.flow.Flow;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextPrinterTest {

    private static String print(Style style, Event... events) {
        StringWriter out = new StringWriter();
        TextPrinter printer = new TextPrinter(out, style, false);
        for (Event e : events) {
            printer.accept(e);
        }
        printer.flush();
        return out.toString();
    }

    @Test
    void requestBlockShowsRequestLineAndAlignedHeaders() {
        String text = print(Style.PLAIN, SampleEvents.request());
        assertTrue(text.startsWith("#1  127.0.0.1:42184 → 127.0.0.1:5683  HTTP request"), text);
        assertTrue(text.contains("frame 4\n"), text);
        assertTrue(text.contains("    GET / HTTP/1.1\n"), text);
        assertTrue(text.contains("    Host            127.0.0.1:5683\n"), text);
        assertTrue(text.contains("    Accept          */*\n"), text);
    }

    @Test
    void responseBlockShowsStatusLatencyBodyAndWarning() {
        String text = print(Style.PLAIN, SampleEvents.response());
        assertTrue(text.startsWith("#1  127.0.0.1:5683 → 127.0.0.1:42184  HTTP response  200 OK  (0.4 ms)"), text);
        assertTrue(text.contains("frames 6, 8\n"), text);
        assertTrue(text.contains("    body (11 bytes, text)\n    │ fluffy tail\n"), text);
        assertTrue(text.contains("⚠ readable by anyone on the path"), text);
    }

    @Test
    void aWebSocketMessageReadFromDecryptedTlsSaysSoAndIsNotReadableOnThePath() {
        byte[] said = "the wss secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        WebSocketMessageSeen clear = new WebSocketMessageSeen(SampleEvents.flow(2), Direction.CLIENT_TO_SERVER, 0,
                Frames.of(9), "text", 1, true, false, said.length, said.length, said, true, -1, null, true);
        WebSocketMessageSeen decrypted = new WebSocketMessageSeen(SampleEvents.flow(2).decryptedView(),
                Direction.CLIENT_TO_SERVER, 0, Frames.of(9), "text", 1, true, false, said.length, said.length, said,
                true, -1, null, true);
        String wire = print(Style.PLAIN, clear);
        assertTrue(wire.contains("WebSocket text  14 bytes, masked "), wire);
        assertTrue(wire.contains("⚠ readable by anyone on the path"), wire);
        String inside = print(Style.PLAIN, decrypted);
        assertTrue(inside.contains("WebSocket text  14 bytes, masked  decrypted "), inside);
        assertTrue(inside.contains("│ the wss secret"), inside);
        assertTrue(inside.contains("decrypted: encrypted on the wire"), inside);
        assertFalse(inside.contains("readable by anyone"), inside);
    }

    @Test
    void truncatedBinaryBodyIsHexDumpedAndSaysHowMuchIsMissing() {
        byte[] shown = {0, 1, 2, (byte) 0xff};
        HttpResponseSeen r = new HttpResponseSeen(SampleEvents.flow(3), Direction.SERVER_TO_CLIENT, 0, Frames.NONE,
                "HTTP/1.1", 200, "OK", List.of(), new HttpBody(5000, shown, false, "gzip", true, true), null, null, -1);
        String text = print(Style.PLAIN, r);
        assertTrue(text.contains("body (5 000 bytes, binary, gzip-decoded, chunked)"), text);
        assertTrue(text.contains("│ 0000  00 01 02 ff"), text);
        assertTrue(text.contains("4 996 more bytes not shown"), text);
        assertTrue(text.contains("seen by proxy"), text);
    }

    @Test
    void tlsRecordsAreOneLineEachWithTheirMeaning() {
        String text = print(Style.PLAIN, SampleEvents.clientHello(), SampleEvents.serverHello(),
                SampleEvents.applicationData(), SampleEvents.unknownCaAlert());
        String[] lines = text.split("\n");
        assertTrue(lines.length == 4, text);
        assertTrue(lines[0].contains("TLS  handshake  ClientHello  SNI localhost, ALPN http/1.1, offers TLS 1.3/1.2, 3 suites"),
                lines[0]);
        assertTrue(lines[1].contains("TLS  handshake  ServerHello  TLS 1.3, TLS_AES_256_GCM_SHA384"), lines[1]);
        assertTrue(lines[2].contains("TLS  application_data  1 307 bytes  🔒 encrypted, unreadable"), lines[2]);
        assertTrue(lines[3].contains("TLS  alert  fatal unknown_ca    the client rejected the server's certificate"),
                lines[3]);
    }

    @Test
    void whatDecryptedTlsHeldIsMarkedDecryptedEvenWhenItIsNotHttp() {
        Flow decrypted = SampleEvents.flow(2).decryptedView();
        String text = print(Style.PLAIN,
                new HttpMalformed(decrypted, Direction.CLIENT_TO_SERVER, 0, Frames.of(10),
                        "Content-Length value is not a number: zzz"),
                new RawDataSeen(decrypted, Direction.CLIENT_TO_SERVER, 0, Frames.of(12), 3, new byte[] {1, 2, 3}));
        assertTrue(text.contains("HTTP malformed  decrypted"), text);
        assertTrue(text.contains("DATA  3 bytes (neither HTTP nor TLS)  decrypted"), text);
    }

    @Test
    void plainStyleHasNoEscapeCodesAndColourStyleHas() {
        assertFalse(print(Style.PLAIN, SampleEvents.response()).contains("\u001b["));
        assertTrue(print(Style.COLOR, SampleEvents.response()).contains("\u001b["));
    }
}
