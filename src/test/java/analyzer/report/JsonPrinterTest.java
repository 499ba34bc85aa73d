package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Event;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class JsonPrinterTest {

    private static String print(Event... events) {
        StringWriter out = new StringWriter();
        JsonPrinter printer = new JsonPrinter(out);
        for (Event e : events) {
            printer.accept(e);
        }
        printer.flush();
        return out.toString();
    }

    @Test
    void oneObjectPerLineWithTsharkStyleHttpFields() {
        String json = print(SampleEvents.request(), SampleEvents.response());
        String[] lines = json.split("\n");
        assertEquals(2, lines.length, json);
        assertTrue(lines[0].startsWith("{\"event\":\"http.request\",\"flow\":1,\"direction\":\"client_to_server\","
                + "\"ip.src\":\"127.0.0.1\",\"tcp.srcport\":42184,\"ip.dst\":\"127.0.0.1\",\"tcp.dstport\":5683,"
                + "\"frame.time_epoch\":1763928242.000123,\"frame.number\":[4],\"seen_by\":\"wire\""), lines[0]);
        assertTrue(lines[0].contains("\"http.request.method\":\"GET\",\"http.request.uri\":\"/\","
                + "\"http.request.version\":\"HTTP/1.1\""), lines[0]);
        assertTrue(lines[0].contains("\"http.headers\":[{\"name\":\"Host\",\"value\":\"127.0.0.1:5683\"},"), lines[0]);
        assertTrue(lines[1].contains("\"http.response.code\":200,\"http.response.phrase\":\"OK\""), lines[1]);
        assertTrue(lines[1].contains("\"http.file_data\":\"fluffy tail\""), lines[1]);
        assertTrue(lines[1].contains("\"http.time_us\":400"), lines[1]);
        assertTrue(lines[1].contains("\"frame.number\":[6,8]"), lines[1]);
    }

    @Test
    void tlsFieldsUseNames() {
        String json = print(SampleEvents.clientHello(), SampleEvents.serverHello(), SampleEvents.unknownCaAlert());
        String[] lines = json.split("\n");
        assertTrue(lines[0].contains("\"tls.record.content_type\":\"handshake\",\"tls.record.version\":\"TLS 1.0\""),
                lines[0]);
        assertTrue(lines[0].contains("\"tls.handshake.type\":[\"client_hello\"]"), lines[0]);
        assertTrue(lines[0].contains("\"tls.handshake.extensions_server_name\":\"localhost\""), lines[0]);
        assertTrue(lines[0].contains("\"tls.handshake.extensions.supported_version\":[\"TLS 1.3\",\"TLS 1.2\"]"),
                lines[0]);
        assertTrue(lines[1].contains("\"tls.handshake.ciphersuite\":\"TLS_AES_256_GCM_SHA384\""), lines[1]);
        assertTrue(lines[2].contains("\"tls.alert_message.level\":\"fatal\",\"tls.alert_message.desc\":\"unknown_ca\""),
                lines[2]);
    }

    @Test
    void stringsAreEscaped() {
        StringBuilder sb = new StringBuilder();
        new JsonWriter(sb).begin().field("k", "a\"b\\c\nd\u0001").end();
        assertEquals("{\"k\":\"a\\\"b\\\\c\\nd\\u0001\"}", sb.toString());
    }

    @Test
    void textWriterAppendsEachPieceAsWritten() {
        // Callers composing a message append their own text between calls: it lands where they put it.
        StringBuilder sb = new StringBuilder();
        JsonWriter json = new JsonWriter(sb).begin().field("a", 1).name("b");
        sb.append("null");
        json.beginArray("c").value("x").value(2).beginObjectElement().field("d", true).end().endArray()
                .utf8Field("e", "é\u0000".getBytes(java.nio.charset.StandardCharsets.UTF_8)).end();
        assertEquals("{\"a\":1,\"b\":null,\"c\":[\"x\",2,{\"d\":true}],\"e\":\"é\\u0000\"}", sb.toString());

        JsonWriter bytes = new JsonWriter().begin().field("a", 1).key(JsonWriter.fieldName("b"));
        bytes.string(null);
        bytes.beginArray("c").value("x").value(2).beginObjectElement().field("d", true).end().endArray()
                .utf8Field("e", "é\u0000".getBytes(java.nio.charset.StandardCharsets.UTF_8)).end();
        assertEquals(sb.toString(), bytes.toString());
        assertEquals("\"q\\\"\"", JsonWriter.quoted("q\""));
    }
}
