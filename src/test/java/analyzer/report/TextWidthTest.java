package analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextWidthTest {

    private static final TextWidth EIGHTY = TextWidth.of(80);

    @Test
    void aLineThatFitsIsLeftAlone() {
        String line = "    Host            127.0.0.1:5683";
        assertSame(line, EIGHTY.fit(line, 20));
        String long_ = "x ".repeat(100);
        assertSame(long_, TextWidth.UNLIMITED.fit(long_, 4), "unlimited never wraps");
    }

    @Test
    void aLongLineContinuesUnderItsHangingIndent() {
        String cookie = "    Cookie          " + "session=9f4e2a; theme=dark; ".repeat(6).strip();
        List<String> lines = EIGHTY.fit(cookie, 20).lines().toList();
        assertTrue(lines.size() > 1, lines.toString());
        for (String l : lines) {
            assertTrue(l.length() <= 80, l);
        }
        for (String l : lines.subList(1, lines.size())) {
            assertTrue(l.startsWith(" ".repeat(20)) && l.charAt(20) != ' ', "under the value column: " + l);
        }
        assertEquals(cookie.strip(), String.join(" ", lines.stream().map(String::strip).toList()), "nothing lost");
    }

    @Test
    void aWordLongerThanTheRoomIsBrokenNotCut() {
        String token = "gAAAAAB" + "x".repeat(150);
        List<String> lines = EIGHTY.fit("    │ " + token, "    │ ").lines().toList();
        assertTrue(lines.size() == 3, lines.toString());
        lines.forEach(l -> assertTrue(l.startsWith("    │ ") && l.length() <= 80, l));
        assertEquals(token, String.join("", lines.stream().map(l -> l.substring(6)).toList()));
    }

    @Test
    void breaksBetweenColumnsOrAfterAClauseRatherThanInsideAName() {
        String hello = "#2  127.0.0.1:49210 → 127.0.0.1:5683  TLS  handshake  ClientHello  SNI localhost, ALPN"
                + " http/1.1, offers TLS 1.3/1.2, 31 suites";
        List<String> lines = EIGHTY.fit(hello, 4).lines().toList();
        assertEquals("#2  127.0.0.1:49210 → 127.0.0.1:5683  TLS  handshake  ClientHello", lines.get(0));
        assertEquals("    SNI localhost, ALPN http/1.1, offers TLS 1.3/1.2, 31 suites", lines.get(1));
    }

    @Test
    void coloursTakeNoRoomAndCloseAtABreak() {
        String red = "\u001b[31m" + "word ".repeat(30).strip() + "\u001b[0m";
        List<String> lines = EIGHTY.fit(red, 2).lines().toList();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).endsWith("\u001b[0m"), "closed at the end of the first line");
        assertTrue(lines.get(1).startsWith("  \u001b[31mword"), "reopened after the indent: " + lines.get(1));
        lines.forEach(l -> assertTrue(TextWidth.displayWidth(l) <= 80, l));
        assertEquals(79, TextWidth.displayWidth(lines.get(0)), "sixteen words of five columns, less a space");
    }

    @Test
    void emojiAndWideCharactersTakeTwoColumns() {
        assertEquals(2, TextWidth.displayWidth("🔒"));
        assertEquals(1, TextWidth.displayWidth("→"));
        assertEquals(1, TextWidth.displayWidth("⚠"));
        assertEquals(4, TextWidth.displayWidth("秘密"));
        assertEquals(3, TextWidth.displayWidth("\u001b[1mabc\u001b[0m"));
    }

    @Test
    void commandsBreakBetweenArgumentsWithALineContinuation() {
        String command = "  ./analyzer proxy --listen 127.0.0.1:8443 --upstream localhost:5683 --tls intercept"
                + " --replace 'fluffy tail=>squirrel party'";
        List<String> lines = EIGHTY.fitCommand(command, " \\").lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" \\") && lines.get(0).length() <= 80, lines.get(0));
        assertEquals("      intercept --replace 'fluffy tail=>squirrel party'", lines.get(1),
                "a quoted argument stays whole");
    }

    @Test
    void theHangOfAlignedTextIsItsLastColumn() {
        assertEquals(14, EIGHTY.hangFor("  SHA-256     41:FB:DF"));
        assertEquals(39, EIGHTY.hangFor("  wrote  ca/ca-private-key.pem         private key"));
        assertEquals(2, EIGHTY.hangFor("analyzer: warning: the key is written unencrypted"));
        assertEquals(6, EIGHTY.hangFor("    " + "x".repeat(50) + "  tail"), "a column right of the middle is not used");
    }

    @Test
    void aFittingWriterFitsEachLineAndLetsAPromptThrough() throws Exception {
        StringWriter sink = new StringWriter();
        FittingWriter writer = new FittingWriter(sink, TextWidth.of(40));
        writer.write("  issuer      CN=Secret Squirrels CA, O=Secret Squirrels, C=US\nPassphrase: ");
        writer.flush();
        assertEquals("  issuer      CN=Secret Squirrels CA,\n              O=Secret Squirrels, C=US\nPassphrase: ",
                sink.toString());
    }

    @Test
    void theTerminalsWidthElseColumnsElseUnlimited() {
        assertEquals(132, TerminalColumns.choose(true, 132, "80"));
        assertEquals(100, TerminalColumns.choose(true, 0, "100"));
        assertEquals(TerminalColumns.FALLBACK, TerminalColumns.choose(true, 0, null));
        assertEquals(80, TerminalColumns.choose(false, 0, "80"), "COLUMNS counts for a pipe too");
        assertEquals(0, TerminalColumns.choose(false, 0, null), "a pipe without COLUMNS is not wrapped");
        assertEquals(0, TerminalColumns.choose(false, 0, "wide"));
    }
}
