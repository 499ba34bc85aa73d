package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The printers' byte builder gives the bytes the JDK's UTF-8 encoder gives, and counts widths as before. */
class Utf8TextTest {

    private static final String[] AWKWARD = {
        "plain", "controls \u0000\u001f\u007f", "latin é ß \u00ff", "two bytes \u07ff", "arrow → box │ ⚠",
        "emoji \ud83d\ude00 lock \ud83d\udd12", "lone high \ud83d end", "lone low \ude00 end", "high at the end \ud83d",
        "\ufffd\uffff", "",
    };

    @Test
    void textIsEncodedAsTheJdkEncodesIt() throws IOException {
        StringBuilder all = new StringBuilder();
        Utf8Text text = new Utf8Text(1); // grows from the smallest buffer
        for (String s : AWKWARD) {
            Utf8Text one = new Utf8Text(16).append(s);
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), bytes(one), s);
            text.append(s).append('|').append(s, 0, Math.min(3, s.length()));
            all.append(s).append('|').append(s, 0, Math.min(3, s.length()));
        }
        text.append('é');
        all.append('é');
        assertArrayEquals(all.toString().getBytes(StandardCharsets.UTF_8), bytes(text));
        StringWriter other = new StringWriter();
        text.writeTo(other);
        assertEquals(new String(all.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                other.toString(), "a Writer that is not the tool's output gets the same text");
    }

    @Test
    void numbersAndSpacesAreWrittenAsStringsWouldBe() {
        for (long v : new long[] {0, 7, 10, 99, 1_000_000_007L, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals("[" + v + "]", new Utf8Text(4).append('[').append(v).append(']').toString());
        }
        assertEquals("a   b", new Utf8Text(4).append('a').spaces(3).spaces(0).spaces(-2).append('b').toString());
    }

    @Test
    void widthCountsAsStringLengthOrAsVisibleCodePoints() {
        Utf8Text text = new Utf8Text(8).append("skip ");
        int from = text.length();
        text.append("a → \ud83d\udd12 é");
        assertEquals("a → \ud83d\udd12 é".length(), text.width(from, false));
        text.append("\u001b[1mbold\u001b[0m");
        assertEquals("a → _ é".length() + 4, text.width(from, true), "escapes are invisible, the lock one column");
    }

    private static byte[] bytes(Utf8Text text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Utf8Output.Printer printer = new Utf8Output.Printer(new Utf8Output(out, 16));
        text.writeTo(printer);
        printer.flush();
        return out.toByteArray();
    }
}
