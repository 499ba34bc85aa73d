package analyzer.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import analyzer.dissect.Frames;
import org.junit.jupiter.api.Test;

/** The text report's pieces: lines kept within 80 columns, frame lists shortened, wire bytes made printable. */
class CheckTextReportTest {

    @Test
    void longTextIsWrappedAtSpacesWithinEightyColumns() {
        CheckTextReport.Lines sb = new CheckTextReport.Lines(analyzer.report.TextWidth.of(CheckTextReport.WIDTH));
        String text = "credentials   GET /api/v1/really/long/path/segment?…  access_token=tok_… in the URL, and "
                + "then some more words to push this well past the width " + "x".repeat(120);
        sb.wrapped("    ", "                  ", text);
        for (String line : sb.toString().split("\n")) {
            assertTrue(line.codePointCount(0, line.length()) <= CheckTextReport.WIDTH, line);
        }
        assertEquals(text.replace(" ", ""), sb.toString().replaceAll("\\s", ""));
    }

    @Test
    void framesAreShortenedToRuns() {
        assertEquals("  (frame 4)", CheckTextReport.frames(Frames.of(4)));
        assertEquals("  (frames 6, 8)", CheckTextReport.frames(Frames.of(6, 8)));
        assertEquals("  (frames 2–5, 9, 10, 12)", CheckTextReport.frames(Frames.of(2, 3, 4, 5, 9, 10, 12)));
        assertEquals("", CheckTextReport.frames(Frames.NONE));
    }

    @Test
    void controlCharactersFromTheWireNeverReachTheTerminal() {
        assertEquals("GET /.[31mred", CheckTextReport.printable("GET /\u001b[31mred"));
        assertEquals("plain", CheckTextReport.printable("plain"));
        assertEquals("a \\| b", MarkdownSummary.cell("a | b"));
        assertEquals("x\\u0004y", JUnitReport.clean("x\u0004y"));
    }
}
