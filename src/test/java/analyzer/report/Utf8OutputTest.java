package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Event;
import analyzer.dissect.Frames;
import analyzer.dissect.HttpBody;
import analyzer.dissect.HttpHeader;
import analyzer.dissect.HttpRequestSeen;
import analyzer.flow.Direction;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Standard output's byte path gives exactly the bytes the JDK's UTF-8 writer gives for the same text. */
class Utf8OutputTest {

    private static final String[] AWKWARD = {
        "plain", "quote \" backslash \\ newline \n tab \t cr \r", "controls \u0000\u0001\u001f\u007f",
        "latin é ß", "arrow → box ─", "emoji \ud83d\ude00", "lone high \ud83d end", "lone low \ude00 end",
        "high at the end \ud83d", "",
    };

    @Test
    void charactersAreEncodedAsTheJdkEncodesThem() throws IOException {
        for (String s : AWKWARD) {
            assertArrayEquals(jdk(s), ours(s, 1 << 16), s);
            assertArrayEquals(jdk(s), ours(s, 16), s + " (buffer smaller than the text)");
        }
    }

    @Test
    void builtTextIsEncodedAsTheJdkEncodesIt() throws IOException {
        // Printers append their StringBuilder, which the standard output encodes without making a String first.
        for (String s : AWKWARD) {
            for (int buffer : new int[] {1 << 16, 16}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Utf8Output.Printer printer = new Utf8Output.Printer(new Utf8Output(out, buffer));
                printer.append(new StringBuilder(s).append(s).append("…"));
                printer.append(new StringBuilder("next"));
                printer.flush();
                assertArrayEquals(jdk(s + s + "…" + "next"), out.toByteArray(), s + " (buffer " + buffer + ")");
            }
        }
    }

    @Test
    void jsonLinesMatchThoseBuiltAsText() throws IOException {
        for (String s : AWKWARD) {
            HttpBody body = new HttpBody(s.length(), s.getBytes(StandardCharsets.UTF_8), true, null, false, true);
            Event request = new HttpRequestSeen(SampleEvents.flow(1), Direction.CLIENT_TO_SERVER, 1_763_928_242_000_123L,
                    Frames.of(4), "GET", "/" + s, "HTTP/1.1", List.of(new HttpHeader("X-" + s, s)), body);
            StringWriter text = new StringWriter();
            new JsonPrinter(text).accept(request);

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Utf8Output.Printer printer = new Utf8Output.Printer(new Utf8Output(bytes, 64));
            new JsonPrinter(printer).accept(request);
            printer.flush();

            assertArrayEquals(jdk(text.toString()), bytes.toByteArray(), s);
            if (!s.contains("lone") && !s.contains("high")) {
                // A JSON parser reads back what was written (a lone surrogate cannot be encoded: '?' on any output).
                JsonObject parsed = JsonParser.parseString(text.toString()).getAsJsonObject();
                assertEquals("/" + s, parsed.get("http.request.uri").getAsString());
                assertEquals(s, parsed.getAsJsonArray("http.headers").get(0).getAsJsonObject().get("value")
                        .getAsString());
            }
        }
    }

    @Test
    void repeatedObjectsPrintAsFreshOnes() {
        // The printer keeps encodings of strings, headers and flows it saw recently, keyed by identity: printing
        // shared objects, then equal fresh copies, then different values in the same objects' places matches.
        HttpHeader host = new HttpHeader("Host", "a");
        String uri = "/same";
        StringWriter shared = new StringWriter();
        StringWriter fresh = new StringWriter();
        JsonPrinter sharing = new JsonPrinter(shared);
        JsonPrinter copying = new JsonPrinter(fresh);
        for (int i = 0; i < 300; i++) {
            long time = 1_763_928_242_000_000L + i * 400_000L; // crosses whole seconds
            String value = i % 3 == 0 ? "a" : "b" + i;
            HttpHeader header = i % 3 == 0 ? host : new HttpHeader("Host", value);
            sharing.accept(new HttpRequestSeen(SampleEvents.flow(1 + i % 300), Direction.CLIENT_TO_SERVER, time,
                    Frames.of(i + 1), "GET", i % 2 == 0 ? uri : "/other" + i, "HTTP/1.1", List.of(header),
                    HttpBody.EMPTY));
            copying.accept(new HttpRequestSeen(SampleEvents.flow(1 + i % 300), Direction.CLIENT_TO_SERVER, time,
                    Frames.of(i + 1), new String("GET"), i % 2 == 0 ? new String(uri) : "/other" + i,
                    new String("HTTP/1.1"), List.of(new HttpHeader(new String("Host"), new String(value))),
                    HttpBody.EMPTY));
        }
        assertEquals(fresh.toString(), shared.toString());
        assertTrue(shared.toString().contains("\"frame.time_epoch\":1763928361.600000,"), shared.toString());
    }

    private static byte[] jdk(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
            w.write(s);
        }
        return out.toByteArray();
    }

    private static byte[] ours(String s, int buffer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Utf8Output w = new Utf8Output(out, buffer)) {
            w.write(s);
        }
        return out.toByteArray();
    }
}
